"""Patient/{id}/$everything: the whole record as a valid Bundle whose references resolve."""

import pytest
from django.urls import reverse

from patients.models import ChartAccess
from tests.factories import PatientFactory

from .episodes import build_clinic_record
from .validation import unresolved_references, validate

pytestmark = pytest.mark.django_db


def _everything(client, patient):
    response = client.get(reverse("fhir:everything", args=[patient.pk]))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/fhir+json"
    return response.json()


def _by_id(bundle, resource_type):
    return {
        entry["resource"]["id"]: entry["resource"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == resource_type
    }


@pytest.fixture
def clinic(nurse, clinician):
    patient = PatientFactory()
    return patient, build_clinic_record(patient, nurse=nurse, clinician=clinician)


def test_the_bundle_validates_and_its_references_resolve(nurse_client, clinic):
    patient, _ = clinic
    bundle = _everything(nurse_client, patient)
    validate(bundle)
    for entry in bundle["entry"]:
        validate(entry["resource"])
    assert unresolved_references(bundle) == []
    types = {entry["resource"]["resourceType"] for entry in bundle["entry"]}
    assert types == {
        "Patient", "Encounter", "Condition", "Observation", "QuestionnaireResponse", "CarePlan",
        "ServiceRequest", "Flag", "Appointment", "Provenance",
    }  # fmt: skip


def test_every_full_url_is_absolute_and_unique(nurse_client, clinic):
    patient, _ = clinic
    bundle = _everything(nurse_client, patient)
    urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(urls) == len(set(urls))
    assert all(url.startswith("http://testserver/fhir/") for url in urls)


def test_pain_scores_are_loinc_observations(nurse_client, clinic):
    patient, episodes = clinic
    observations = _by_id(_everything(nurse_client, patient), "Observation")
    intake = observations[f"intake-pain-{episodes['conservative'].pk}"]
    assert intake["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "72514-3",
        "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
    }
    assert intake["valueInteger"] == 8
    visit = episodes["conservative"].follow_ups.order_by("due_date").first().visit
    assert observations[f"visit-pain-{visit.pk}"]["valueInteger"] == 5
    assert observations[f"visit-change-{visit.pk}"]["valueInteger"] == 2
    activity = observations[f"visit-activity-{visit.pk}-1"]
    assert activity["code"]["text"] == "Activity score: Driving"
    assert activity["code"]["coding"][0]["system"].endswith("/CodeSystem/upright-observation")


def test_care_plans_are_proposals_pointing_at_their_rule_set(nurse_client, clinic):
    patient, episodes = clinic
    plans = _by_id(_everything(nurse_client, patient), "CarePlan")
    plan = episodes["conservative"].care_plan
    resource = plans[str(plan.pk)]
    assert resource["intent"] == "proposal"
    assert resource["status"] == "active"
    assert resource["instantiatesCanonical"] == [
        f"https://upright.invalid/fhir/PlanDefinition/upright-rules|{plan.ruleset}"
    ]
    codes = [activity["detail"]["code"]["coding"][0]["code"] for activity in resource["activity"]]
    assert codes == list(plan.recommendations.order_by("position").values_list("code", flat=True))
    first = resource["activity"][0]["detail"]
    stored = plan.recommendations.order_by("position").first()
    assert first["code"]["text"] == stored.summary
    assert {"url": "https://upright.invalid/fhir/StructureDefinition/recommendation-indicator",
            "valueCode": stored.indicator} in first["extension"]  # fmt: skip
    assert plans[str(episodes["resolved"].care_plan.pk)]["status"] == "completed"


def test_urgent_advice_is_a_draft_proposal_and_escalations_are_flags(nurse_client, clinic):
    patient, episodes = clinic
    bundle = _everything(nurse_client, patient)
    requests = _by_id(bundle, "ServiceRequest")
    urgent_plan = episodes["urgent"].care_plan
    request = requests[f"plan-{urgent_plan.pk}-urgent-evaluation"]
    assert (request["status"], request["intent"], request["priority"]) == (
        "draft", "proposal", "urgent",
    )  # fmt: skip
    assert request["basedOn"] == [{"reference": f"CarePlan/{urgent_plan.pk}"}]
    assert request["reasonCode"] == [{"text": "Fever"}]
    assert f"plan-{urgent_plan.pk}-infection-workup" in requests
    flags = _by_id(bundle, "Flag")
    closed = episodes["urgent"].escalations.get()
    still_open = episodes["escalated"].escalations.get()
    assert flags[str(closed.pk)]["status"] == "inactive"
    assert "end" in flags[str(closed.pk)]["period"]
    assert flags[str(still_open.pk)]["status"] == "active"


def test_emergency_advice_is_a_stat_proposal_and_its_flags_say_emergency(nurse_client, clinic):
    patient, episodes = clinic
    bundle = _everything(nurse_client, patient)
    requests = _by_id(bundle, "ServiceRequest")
    emergency = episodes["emergency"]
    plan = emergency.care_plan
    referral = requests[f"plan-{plan.pk}-emergency-referral"]
    assert (referral["status"], referral["intent"], referral["priority"]) == (
        "draft", "proposal", "stat",
    )  # fmt: skip
    assert referral["basedOn"] == [{"reference": f"CarePlan/{plan.pk}"}]
    assert referral["encounter"] == {"reference": f"Encounter/{emergency.pk}"}
    assert referral["reasonCode"] == [{"text": "Worsening weakness or numbness"}, {"text": "Fever"}]
    assert requests[f"plan-{plan.pk}-infection-workup"]["priority"] == "urgent"
    # The emergency signs found at the continued episode's first visit.
    visit = episodes["emergency_continued"].follow_ups.order_by("due_date").first().visit
    at_visit = requests[f"visit-{visit.pk}-emergency-referral"]
    assert at_visit["priority"] == "stat"
    assert at_visit["encounter"] == {"reference": f"Encounter/visit-{visit.pk}"}

    flags = _by_id(bundle, "Flag")
    first = emergency.escalations.get()
    second = episodes["emergency_continued"].escalations.get()
    high = {"system": "http://hl7.org/fhir/flag-priority-code", "code": "PH",
            "display": "High priority"}  # fmt: skip
    for escalation, status in ((first, "inactive"), (second, "active")):
        flag = flags[str(escalation.pk)]
        assert flag["status"] == status
        assert flag["code"]["text"].startswith("Emergency escalation for clinician review: ")
        assert flag["extension"] == [
            {
                "url": "http://hl7.org/fhir/StructureDefinition/flag-priority",
                "valueCodeableConcept": {"coding": [high]},
            }
        ]
    assert flags[str(second.pk)]["encounter"] == {"reference": f"Encounter/visit-{visit.pk}"}
    urgent = flags[str(episodes["urgent"].escalations.get().pk)]
    assert urgent["code"]["text"] == "Urgent escalation for clinician review: Fever"
    assert urgent["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "PM"


def test_the_conservative_plan_after_an_escalation_replaces_the_first(nurse_client, clinic):
    patient, episodes = clinic
    bundle = _everything(nurse_client, patient)
    emergency, continued = episodes["emergency"], episodes["emergency_continued"]
    plans = _by_id(bundle, "CarePlan")
    first = plans[str(emergency.care_plan.pk)]
    then = plans[str(continued.care_plan.pk)]
    assert (first["status"], first["title"]) == ("completed", "Care plan (emergency pathway)")
    assert "replaces" not in first
    assert (then["status"], then["title"]) == ("active", "Care plan (conservative pathway)")
    assert then["replaces"] == [{"reference": f"CarePlan/{emergency.care_plan.pk}"}]
    encounter = _by_id(bundle, "Encounter")[str(continued.pk)]
    assert encounter["partOf"] == {"reference": f"Encounter/{emergency.pk}"}
    assert encounter["type"] == [
        {"text": "Conservative care plan after serious disease was excluded"}
    ]
    # The still-escalated episode's plan is not replaced by anything.
    assert plans[str(episodes["escalated"].care_plan.pk)]["status"] == "active"


def test_appointments_carry_their_statuses_and_reasons(nurse_client, clinic):
    patient, episodes = clinic
    appointments = _by_id(_everything(nurse_client, patient), "Appointment")
    done, missed, booked = episodes["conservative"].follow_ups.order_by("due_date")
    assert appointments[str(done.pk)]["status"] == "fulfilled"
    assert appointments[str(missed.pk)]["status"] == "noshow"
    assert "Missed: Patient was away" in appointments[str(missed.pk)]["comment"]
    assert appointments[str(booked.pk)]["status"] == "booked"
    cancelled = episodes["resolved"].follow_ups.order_by("due_date")[1]
    assert appointments[str(cancelled.pk)]["status"] == "cancelled"
    assert appointments[str(cancelled.pk)]["cancelationReason"]["text"] == cancelled.status_reason


def test_voided_records_are_entered_in_error(nurse_client, clinic):
    patient, episodes = clinic
    bundle = _everything(nurse_client, patient)
    voided = episodes["voided"]
    assert _by_id(bundle, "Encounter")[str(voided.pk)]["status"] == "entered-in-error"
    condition = _by_id(bundle, "Condition")[str(voided.pk)]
    assert condition["verificationStatus"]["coding"][0]["code"] == "entered-in-error"
    assert "clinicalStatus" not in condition
    assert _by_id(bundle, "CarePlan")[str(voided.care_plan.pk)]["status"] == "entered-in-error"
    assert (
        _by_id(bundle, "QuestionnaireResponse")[f"intake-{voided.pk}"]["status"]
        == "entered-in-error"
    )
    for follow_up in voided.follow_ups.all():
        assert _by_id(bundle, "Appointment")[str(follow_up.pk)]["status"] == "entered-in-error"
    provenance = _by_id(bundle, "Provenance")[f"encounter-{voided.pk}-voided"]
    assert provenance["reason"] == [{"text": "Wrong patient"}]
    assert provenance["agent"][0]["who"]["display"] == "clinician1"


def test_provenance_names_who_recorded_and_who_signed_off(nurse_client, clinic):
    patient, episodes = clinic
    provenance = _by_id(_everything(nurse_client, patient), "Provenance")
    urgent = episodes["urgent"]
    recorded = provenance[f"encounter-{urgent.pk}-recorded"]
    assert recorded["agent"][0]["who"]["display"] == "nurse1"
    assert {"reference": f"Encounter/{urgent.pk}"} in recorded["target"]
    signed = provenance[f"encounter-{urgent.pk}-signed-off"]
    assert signed["agent"][0]["who"]["display"] == "clinician1"
    assert signed["agent"][0]["type"]["coding"][0]["code"] == "verifier"


def test_intake_and_draft_are_questionnaire_responses(nurse_client, clinic):
    patient, episodes = clinic
    responses = _by_id(_everything(nurse_client, patient), "QuestionnaireResponse")
    intake = responses[f"intake-{episodes['conservative'].pk}"]
    assert intake["status"] == "completed"
    answers = {
        item["linkId"]: item["answer"][0] for group in intake["item"] for item in group["item"]
    }
    assert answers["pain_score"] == {"valueInteger": 8}
    assert answers["muscle_spasm"] == {"valueBoolean": True}
    assert answers["fever"] == {"valueBoolean": False}
    assert answers["pain_location"]["valueCoding"]["code"] == "neck"
    (draft,) = [item for key, item in responses.items() if key.startswith("draft-")]
    assert draft["status"] == "in-progress"
    saved = {item["linkId"]: item["answer"][0] for group in draft["item"] for item in group["item"]}
    # What parses is kept; a date the nurse has not finished typing is left out.
    assert saved == {
        "patient": {"valueReference": {"reference": f"Patient/{patient.pk}"}},
        "pain_score": {"valueInteger": 6},
        "muscle_spasm": {"valueBoolean": True},
    }


def test_reading_the_record_is_logged_as_a_chart_access(nurse_client, nurse, clinic):
    patient, _ = clinic
    _everything(nurse_client, patient)
    assert ChartAccess.objects.filter(user=nurse, patient=patient).count() == 1


def test_the_chart_button_downloads_the_bundle(nurse_client, clinic):
    patient, _ = clinic
    chart = nurse_client.get(reverse("triage:patient_chart", args=[patient.pk]))
    assert b"Download FHIR bundle" in chart.content
    response = nurse_client.post(reverse("fhir:everything", args=[patient.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="patient-{patient.pk}.fhir.json"'
    )
    assert patient.mrn not in response["Content-Disposition"]
    validate(response.json())


def test_provenance_names_who_closed_an_escalation_and_who_voided_a_visit(nurse_client, clinic):
    patient, episodes = clinic
    provenance = _by_id(_everything(nurse_client, patient), "Provenance")
    escalation = episodes["emergency"].escalations.get()
    closed = provenance[f"escalation-{escalation.pk}-closed"]
    assert closed["target"] == [{"reference": f"Flag/{escalation.pk}"}]
    assert closed["activity"]["coding"][0]["code"] == "UPDATE"
    assert closed["reason"] == [{"text": "Serious cause excluded"}]
    assert closed["agent"][0]["who"]["display"] == "clinician1"
    visit = episodes["voided"].follow_ups.order_by("due_date").first().visit
    voided = provenance[f"visit-{visit.pk}-voided"]
    assert voided["activity"]["coding"][0]["code"] == "NULLIFY"
    assert voided["reason"] == [
        {"text": f"Encounter {episodes['voided'].pk} voided: Wrong patient"}
    ]
    assert {"reference": f"Encounter/visit-{visit.pk}"} in voided["target"]
    still_open = episodes["escalated"].escalations.get()
    assert f"escalation-{still_open.pk}-closed" not in provenance
