"""Patient registry pages: list and search, register, edit."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render

from patients import services
from patients.chart_access import record_patients_shown, records_chart_access
from patients.forms import PatientForm, PatientSearchForm
from patients.models import Patient
from patients.paging import WholePagePaginator, page_number
from patients.selectors import patients_matching, registry_page

PAGE_SIZE = 25


@permission_required("patients.view_patient", raise_exception=True)
def patient_list(request):
    form = PatientSearchForm(request.GET or None)
    term = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if term or (form.is_bound and not form.is_valid()):
        # Search results are counted ("page 1 of 2"); a refused term shows no patients.
        patients = patients_matching(term) if form.is_valid() else Patient.objects.none()
        page = WholePagePaginator(patients, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        # The whole registry, page by page, uncounted (patients/selectors.py `registry_page`).
        page = registry_page(page_number(request.GET.get("page")), PAGE_SIZE)
    record_patients_shown(
        user=request.user, patients=page.object_list, page="search results" if term else "list"
    )
    return render(request, "patients/patient_list.html", {"form": form, "page": page, "term": term})


def log_patients_named(request, form, context: dict) -> None:
    """A registration form names other patients when it warns of a possible duplicate (or of
    a record number a colleague just registered): log them."""
    named = [*getattr(form, "possible_duplicates", [])]
    if context.get("just_registered") is not None:
        named.append(context["just_registered"])
    record_patients_shown(user=request.user, patients=named, page="possible duplicate")


def record_number_taken(form, error: services.RecordNumberTakenError) -> dict:
    """Answer a registration race on the form: the number was just taken, here is its chart."""
    form.add_error("mrn", "This record number was just registered by a colleague.")
    return {"just_registered": error.patient}


@permission_required("patients.add_patient", raise_exception=True)
def patient_create(request):
    form = PatientForm(request.POST or None)
    context = {"form": form, "creating": True}
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.register_patient(form_data=form.cleaned_data)
        except services.RecordNumberTakenError as error:
            context |= record_number_taken(form, error)
        else:
            messages.success(request, f"Registered patient {patient.mrn}.")
            return redirect("triage:patient_chart", pk=patient.pk)
    log_patients_named(request, form, context)
    return render(request, "patients/patient_form.html", context)


@permission_required("patients.change_patient", raise_exception=True)
@records_chart_access("edit patient")
def patient_edit(request, pk):
    patient = get_object_or_404(Patient, pk=pk)
    form = PatientForm(request.POST or None, instance=patient)
    context = {"form": form, "creating": False, "patient": patient}
    if request.method == "POST" and form.is_valid():
        try:
            services.update_patient(patient=patient, form_data=form.cleaned_data)
        except services.RecordNumberTakenError as error:
            patient.refresh_from_db()
            context |= record_number_taken(form, error)
        else:
            messages.success(request, f"Saved changes to patient {patient.mrn}.")
            return redirect("triage:patient_chart", pk=patient.pk)
    log_patients_named(request, form, context)
    return render(request, "patients/patient_form.html", context)
