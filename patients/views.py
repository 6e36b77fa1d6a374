"""Patient pages: list and search, register, edit, chart."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from triage.timeline import episodes_for

from . import services
from .forms import PatientForm, PatientSearchForm
from .models import Patient

PAGE_SIZE = 25


@permission_required("patients.view_patient", raise_exception=True)
def patient_list(request):
    form = PatientSearchForm(request.GET or None)
    patients = Patient.objects.all()
    term = ""
    if form.is_valid():
        term = form.cleaned_data["q"].strip()
        if term:
            patients = patients.search(term)
    elif form.is_bound:
        patients = patients.none()
    page = Paginator(patients, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "patients/patient_list.html", {"form": form, "page": page, "term": term})


@permission_required("patients.add_patient", raise_exception=True)
def patient_create(request):
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        patient = services.register_patient(form_data=form.cleaned_data)
        messages.success(request, f"Registered patient {patient.mrn}.")
        return redirect("patients:chart", pk=patient.pk)
    return render(request, "patients/patient_form.html", {"form": form, "creating": True})


@permission_required("patients.change_patient", raise_exception=True)
def patient_edit(request, pk):
    patient = get_object_or_404(Patient, pk=pk)
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        services.update_patient(patient=patient, form_data=form.cleaned_data)
        messages.success(request, f"Saved changes to patient {patient.mrn}.")
        return redirect("patients:chart", pk=patient.pk)
    return render(
        request, "patients/patient_form.html", {"form": form, "creating": False, "patient": patient}
    )


@permission_required("patients.view_patient", raise_exception=True)
def patient_chart(request, pk):
    patient = get_object_or_404(Patient, pk=pk)
    services.record_chart_access(user=request.user, patient=patient)
    encounters = patient.encounters.select_related("recorded_by").order_by("-occurred_at")
    return render(
        request,
        "patients/patient_chart.html",
        {"patient": patient, "encounters": encounters, "episodes": episodes_for(patient)},
    )
