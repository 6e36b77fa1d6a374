"""Every main page, with the demo's episodes in it: axe-core finds no serious or critical WCAG
2.1 A/AA violation at desktop or phone width, the pages a nurse uses do not scroll sideways at
390 px, and each page is photographed at both widths into screenshots/."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from accounts import roles
from tests.browser.conftest import page_problems, sign_in
from triage.demo import create_demo_data
from triage.models import Encounter, Escalation, FollowUp, FollowUpStatus, IntakeDraft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _demo():
    # Transactional tests flush the groups the migration made; the demo needs them.
    roles.sync_role_groups(Group, Permission)
    create_demo_data()
    return {
        "episode": Encounter.objects.get(patient__mrn="DEMO-0004"),
        "urgent": Encounter.objects.get(patient__mrn="DEMO-0002"),
        "new_plan": Encounter.objects.get(patient__mrn="DEMO-0001"),
        "draft": IntakeDraft.objects.get(),
        "due_today": FollowUp.objects.get(
            status=FollowUpStatus.SCHEDULED, due_date=timezone.localdate()
        ),
        # A visit that gave recommendations: a clinician sees a feedback form beside each.
        "visited": FollowUp.objects.filter(
            status=FollowUpStatus.COMPLETED, visit__recommendations__isnull=False
        )
        .order_by("pk")
        .first(),
        # The demo has an urgent and an emergency escalation: the tour opens the first.
        "escalation": Escalation.objects.order_by("pk").first(),
    }


def _tour(page, stops, *, phone: bool) -> list[str]:
    problems = []
    for name, path in stops:
        response = page.goto(path)
        assert response.status == 200, f"{name}: {path} answered {response.status}"
        problems += page_problems(page, name, phone=phone)
    return problems


def test_every_main_page_passes_axe_and_fits_a_phone(page):
    demo = _demo()
    draft, plan = demo["draft"].token, demo["new_plan"].pk
    nurse_pages = [
        ("worklist", "/"),
        ("patient list", "/patients/?q=demo"),
        ("register a patient", "/patients/new/"),
        ("patient chart", f"/patients/{demo['episode'].patient_id}/"),
        ("patient chart urgent", f"/patients/{demo['urgent'].patient_id}/"),
        ("intake patient step", "/intake/new/"),
        ("intake pain step", f"/intake/{draft}/pain/"),
        ("intake red-flag step", f"/intake/{draft}/red_flags/"),
        ("intake history step", f"/intake/{draft}/history/"),
        ("unfinished intakes", "/intake/drafts/"),
        ("care plan", f"/encounters/{plan}/care-plan/"),
        ("care plan urgent", f"/encounters/{demo['urgent'].pk}/care-plan/"),
        ("handout", f"/encounters/{plan}/handout/"),
        ("visit form", f"/follow-ups/{demo['due_today'].pk}/record/"),
        ("follow-up", f"/follow-ups/{demo['due_today'].pk}/"),
        ("missed visit", f"/follow-ups/{demo['due_today'].pk}/missed/"),
        ("add a visit", f"/encounters/{demo['episode'].pk}/visits/new/"),
    ]
    sign_in(page, "nurse", "upright-nurse")
    problems = _tour(page, nurse_pages, phone=True)

    page.context.clear_cookies()
    sign_in(page, "clinician", "upright-clinician")
    urgent = demo["urgent"].pk
    problems += _tour(
        page,
        [
            ("escalation", f"/escalations/{demo['escalation'].pk}/"),
            ("visit with feedback forms", f"/follow-ups/{demo['visited'].pk}/"),
            ("outcomes", "/outcomes/"),
        ],
        phone=True,
    )
    # The admin is a desk tool: checked with axe at both widths, not held to the phone width.
    problems += _tour(
        page,
        [
            ("admin home", "/admin/"),
            ("admin review queue", "/admin/triage/encounterawaitingreview/"),
            ("admin encounters", "/admin/triage/encounter/"),
            ("admin encounter", f"/admin/triage/encounter/{urgent}/change/"),
            ("admin encounter history", f"/admin/triage/encounter/{urgent}/history/"),
            ("admin void", f"/admin/triage/encounter/{urgent}/void/"),
            ("admin patients", "/admin/patients/patient/"),
            ("admin patient", f"/admin/patients/patient/{demo['urgent'].patient_id}/change/"),
            ("admin follow-ups", "/admin/triage/followup/?due=overdue"),
            ("admin escalations", "/admin/triage/escalation/"),
        ],
        phone=False,
    )

    page.context.clear_cookies()
    sign_in(page, "admin", "upright-admin")
    problems += _tour(
        page,
        [
            ("admin users", "/admin/auth/user/"),
            ("admin user", f"/admin/auth/user/{demo['urgent'].recorded_by_id}/change/"),
            ("admin chart access log", "/admin/patients/chartaccess/"),
        ],
        phone=False,
    )
    assert not problems, "\n".join(problems)
    assert page.csp_violations == []
