"""Every URL name × anonymous, nurse, clinician and administrator: who may use it.

One row per URL name in the resolver. A row names the roles ALLOWED (200, or a redirect that
is not to a sign-in page); every other signed-in role must be DENIED (403, or the admin's
redirect to its own sign-in page), and an anonymous visitor must be SENT TO SIGN-IN, unless
the row is `open` (the sign-in pages themselves).

The chart-access column: a row that shows a patient's data names the page its chart-access
record carries, and every page that shows the patient's record number or name must write one
(patients/chart_access.py): a page that shows a patient without logging it fails here. A list
page's row names (`shows`) the records to make before the request, so the list has a patient
to show: the worklist, the unfinished intakes, the admin's change lists.

Adding a page? Add its row here: `test_every_url_name_has_a_row` fails until you do.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts import roles
from cdshooks.models import EhrClient, IssuedCard
from patients.models import ChartAccess, Patient
from tests.conftest import make_user
from tests.factories import (
    CarePlanFactory,
    ChartAccessFactory,
    EncounterFactory,
    EscalationFactory,
    FollowUpFactory,
    IntakeDraftFactory,
    PatientFactory,
    RecommendationFactory,
    UrgentEncounterFactory,
    UserFactory,
    VisitRecordFactory,
)
from triage.models import RecommendationFeedback

ANONYMOUS, NURSE, CLINICIAN, ADMINISTRATOR = "anonymous", "nurse", "clinician", "administrator"
ROLE_GROUPS = {NURSE: roles.NURSE, CLINICIAN: roles.CLINICIAN, ADMINISTRATOR: roles.ADMINISTRATOR}
ACTORS = (ANONYMOUS, NURSE, CLINICIAN, ADMINISTRATOR)

EVERY_ROLE = frozenset({NURSE, CLINICIAN, ADMINISTRATOR})
STAFF = frozenset({CLINICIAN, ADMINISTRATOR})
ADMINISTRATORS = frozenset({ADMINISTRATOR})
NOBODY = frozenset()

ALLOWED, DENIED, SIGN_IN = "allowed", "denied", "sent to sign-in"
NOT_FOUND = "not found"
NO_TOKEN = "refused without the EHR's token"


class World:
    """The records a URL may point at, built on first use for one requesting user."""

    def __init__(self, actor):
        self.actor = actor or UserFactory()

    @cached_property
    def patient(self):
        return PatientFactory()

    @cached_property
    def ehr_client(self):
        client, _ = EhrClient.objects.get_or_create(
            issuer="https://ehr.example.org/", defaults={"name": "EHR", "jwks": {}}
        )
        return client

    @cached_property
    def issued_card(self):
        return IssuedCard.objects.create(
            uuid=uuid.uuid4(),
            client=self.ehr_client,
            service="upright-imaging",
            hook="order-select",
            code="NO_ROUTINE_IMAGING",
            ruleset="test-1",
            indicator="info",
            summary="No scan is needed now.",
            issued_at=timezone.now(),
        )

    @cached_property
    def encounter(self):
        """A conservative encounter with its stored plan and a scheduled visit."""
        encounter = EncounterFactory(patient=self.patient)
        RecommendationFactory(care_plan=CarePlanFactory(encounter=encounter))
        return encounter

    @cached_property
    def urgent(self):
        """An urgent encounter waiting for sign-off, with its plan and open escalation."""
        encounter = UrgentEncounterFactory(patient=self.patient)
        plan = CarePlanFactory(encounter=encounter, red_flags=["fever"])
        RecommendationFactory(
            care_plan=plan, code="URGENT_EVALUATION", indicator="critical", category="urgent"
        )
        return encounter

    @cached_property
    def follow_up(self):
        return FollowUpFactory(encounter=self.encounter)

    @cached_property
    def visit(self):
        return VisitRecordFactory(follow_up__encounter=self.encounter)

    @cached_property
    def escalation(self):
        return EscalationFactory(encounter=self.urgent)

    @cached_property
    def chart_access(self):
        return ChartAccessFactory(patient=self.patient)

    @cached_property
    def other_user(self):
        return make_user(roles.NURSE, username=f"colleague-{uuid.uuid4().hex[:8]}")

    @cached_property
    def role_group(self):
        return Group.objects.get(name=roles.NURSE)

    @cached_property
    def access_attempt(self):
        return AccessAttempt.objects.create(
            username=f"someone-{uuid.uuid4().hex[:8]}",
            ip_address="127.0.0.1",
            failures_since_start=1,
            get_data="",
            post_data="",
            http_accept="",
            path_info="/accounts/login/",
            user_agent="test",
        )

    @cached_property
    def access_log(self):
        return AccessLog.objects.create(
            username=f"someone-{uuid.uuid4().hex[:8]}",
            ip_address="127.0.0.1",
            http_accept="",
            path_info="/",
            user_agent="t",
        )

    @cached_property
    def access_failure_log(self):
        return AccessFailureLog.objects.create(
            username=f"someone-{uuid.uuid4().hex[:8]}",
            ip_address="127.0.0.1",
            http_accept="",
            path_info="/",
            user_agent="t",
        )

    @cached_property
    def draft(self):
        return IntakeDraftFactory(owner=self.actor, patient=self.patient)

    @cached_property
    def care_plan(self):
        return self.encounter.care_plan

    @cached_property
    def recommendation(self):
        return self.care_plan.recommendations.first()

    @cached_property
    def api_token(self):
        from fhir.services import issue_token

        return issue_token(user=self.other_user, name="matrix", issued_by=self.other_user)[0]

    @cached_property
    def recommendation_feedback(self):
        return RecommendationFeedback.objects.create(
            recommendation=self.recommendation,
            outcome="followed",
            recorded_by=UserFactory(),
            recorded_at=timezone.now(),
        )

    def versions_of(self, attribute: str) -> tuple:
        """URL arguments of the latest past version of a record: (its id, the version id)."""
        record = getattr(self, attribute)
        return (record.pk, record.history.latest().history_id)


Args = Callable[[World], tuple]


@dataclass(frozen=True)
class Row:
    name: str
    allowed: frozenset
    args: Args = field(default=lambda world: ())
    method: str = "get"
    data: Callable[[World], dict] = field(default=lambda world: {})
    open: bool = False
    # A catch-all that answers 404 to everyone signed in (the FHIR API's unknown paths).
    missing: bool = False
    # Outside the staff sign-in: an EHR's signed token, never a staff session, opens it.
    token: bool = False
    chart_access: str = ""
    # Made before the request, so a list page has a patient to show (and must log it).
    shows: Callable[[World], object] | None = None


def pk_of(attribute: str) -> Args:
    return lambda world: (getattr(world, attribute).pk,)


def admin_rows(
    model: str,
    record: str,
    *,
    view: frozenset,
    add: frozenset = NOBODY,
    delete: frozenset = NOBODY,
    versions: bool = True,
    void: frozenset | None = None,
    sign_off: frozenset | None = None,
    chart_access: str = "",
    list_shows_patient: bool = True,
    list_data: Callable[[World], dict] = lambda world: {},
) -> list[Row]:
    """The admin's URLs for one model; `record` names the World attribute it opens.
    `chart_access` names the page its change, history and void pages log (a patient's data);
    its change list, opened with the record made, logs "<chart_access> list" unless
    `list_shows_patient` is off (the list does not name the patient)."""
    prefix = "admin:{}_{}_".format(*model.split("."))
    one = pk_of(record)
    history = f"{chart_access} history" if chart_access else ""
    listed = f"{chart_access} list" if chart_access and list_shows_patient else ""
    rows = [
        Row(
            prefix + "changelist",
            view,
            data=list_data,
            chart_access=listed,
            shows=(lambda world: getattr(world, record)) if chart_access else None,
        ),
        Row(prefix + "add", add),
        Row(prefix + "change", view, one, chart_access=chart_access),
        Row(prefix + "history", view, one, chart_access=history),
        Row(prefix + "delete", delete, one),
    ]
    if versions:
        past = f"{chart_access} past version" if chart_access else ""
        rows.append(
            Row(
                prefix + "simple_history",
                view,
                lambda world: world.versions_of(record),
                chart_access=past,
            )
        )
    if void is not None:
        # The void page names the patient too.
        voiding = f"{chart_access} void" if chart_access else ""
        rows.append(Row(prefix + "void", void, one, chart_access=voiding))
    if sign_off is not None:
        rows.append(Row(prefix + "sign_off", sign_off, one, method="post"))
    return rows


def _draft(world: World) -> tuple:
    return (world.draft.token,)


ROWS: list[Row] = [
    # Sign-in (foundation)
    Row("login", EVERY_ROLE, open=True),
    Row("logout", EVERY_ROLE, method="post"),
    # The second factor (issue 11): a session that has given it is sent on to the worklist.
    Row("second_factor", EVERY_ROLE),
    Row("second_factor_enrol", EVERY_ROLE),
    Row("recovery_codes", EVERY_ROLE),
    # The session clock behind the sign-out warning (issue 11)
    Row("session_status", EVERY_ROLE, open=True),
    Row("session_stay", EVERY_ROLE, method="post"),
    # Patients (foundation)
    Row("patients:list", EVERY_ROLE, chart_access="list", shows=lambda world: world.patient),
    Row("patients:create", EVERY_ROLE),
    Row("triage:patient_chart", EVERY_ROLE, pk_of("patient"), chart_access="chart"),
    Row("patients:edit", EVERY_ROLE, pk_of("patient"), chart_access="edit patient"),
    # Worklist and intake (issue 4)
    # An open escalation (on the worklist) and one of the user's drafts, for the same patient.
    Row(
        "triage:home",
        EVERY_ROLE,
        chart_access="worklist",
        shows=lambda world: (world.escalation, world.draft),
    ),
    Row("triage:intake_new", EVERY_ROLE),
    Row(
        "triage:intake_drafts",
        EVERY_ROLE,
        chart_access="unfinished intakes",
        shows=lambda world: world.draft,
    ),
    Row(
        "triage:intake_step",
        EVERY_ROLE,
        lambda world: (world.draft.token, "pain"),
        chart_access="intake",
    ),
    Row("triage:intake_review", EVERY_ROLE, _draft, chart_access="intake review"),
    Row("triage:intake_submit", EVERY_ROLE, _draft, method="post", chart_access="intake review"),
    Row("triage:intake_discard", EVERY_ROLE, _draft, method="post"),
    Row("triage:care_plan", EVERY_ROLE, pk_of("encounter"), chart_access="care plan"),
    Row("triage:handout", EVERY_ROLE, pk_of("encounter"), chart_access="handout"),
    # Follow-up (issue 5)
    Row("triage:followup_detail", EVERY_ROLE, pk_of("follow_up"), chart_access="follow-up"),
    Row("triage:followup_record", EVERY_ROLE, pk_of("follow_up"), chart_access="record visit"),
    Row("triage:followup_missed", EVERY_ROLE, pk_of("follow_up"), chart_access="missed visit"),
    Row("triage:visit_add", EVERY_ROLE, pk_of("encounter"), chart_access="add visit"),
    Row("triage:escalation_close", STAFF, pk_of("escalation"), chart_access="escalation"),
    Row("triage:conservative_plan", STAFF, pk_of("encounter"), chart_access="conservative plan"),
    # Figures only: with a visit recorded, the page still names no patient.
    Row("triage:outcomes", STAFF, shows=lambda world: world.visit),
    # Operations (issue 14): the health check answers the proxy and monitoring, signed in or not.
    Row("operations:health", EVERY_ROLE, open=True),
    # The admin site (issue 6): clinicians and administrators only.
    Row("admin:login", EVERY_ROLE, open=True),
    Row("admin:logout", STAFF, method="post"),
    Row("admin:index", STAFF),
    Row("admin:password_change", STAFF),
    Row("admin:password_change_done", STAFF),
    Row("admin:jsi18n", STAFF),
    Row("admin:app_list", STAFF, lambda world: ("patients",)),
    # No admin page uses autocomplete, so the endpoint refuses everyone.
    Row("admin:autocomplete", NOBODY),
    Row(
        "admin:view_on_site",
        STAFF,
        lambda world: (ContentType.objects.get_for_model(Patient).pk, world.patient.pk),
    ),
    *admin_rows("patients.patient", "patient", view=STAFF, chart_access="admin patient"),
    *admin_rows(
        "triage.encounter",
        "urgent",
        view=STAFF,
        void=STAFF,
        sign_off=STAFF,
        chart_access="admin encounter",
    ),
    # The review queue redirects its history pages to the encounter's own history.
    *admin_rows(
        "triage.encounterawaitingreview",
        "urgent",
        view=STAFF,
        void=STAFF,
        sign_off=STAFF,
        versions=False,
        chart_access="admin encounter",
    ),
    Row(
        "admin:triage_encounterawaitingreview_simple_history",
        STAFF,
        lambda world: world.versions_of("urgent"),
        chart_access="admin encounter past version",
    ),
    *admin_rows("patients.chartaccess", "chart_access", view=ADMINISTRATORS, versions=False),
    *admin_rows(
        "triage.followup",
        "follow_up",
        view=STAFF,
        void=STAFF,
        chart_access="admin follow-up",
        # The list opens on overdue visits; the matrix's visit is due in two weeks.
        list_data=lambda world: {"due": "all"},
    ),
    *admin_rows("triage.escalation", "escalation", view=STAFF, chart_access="admin escalation"),
    *admin_rows(
        "triage.careplan", "care_plan", view=STAFF, versions=False, chart_access="admin care plan"
    ),
    *admin_rows(
        "triage.visitrecord", "visit", view=STAFF, versions=False, chart_access="admin visit"
    ),
    *admin_rows(
        "triage.recommendation",
        "recommendation",
        view=STAFF,
        versions=False,
        chart_access="admin recommendation",
        list_shows_patient=False,
    ),
    # Staff accounts: administrators manage users and see the groups; nobody deletes.
    *admin_rows("auth.user", "other_user", view=ADMINISTRATORS, add=ADMINISTRATORS, versions=False),
    Row("admin:auth_user_password_change", ADMINISTRATORS, pk_of("other_user")),
    # A user's activity (issue 11): what they changed and viewed; reading it opens no chart.
    Row(
        "admin:auth_user_activity",
        ADMINISTRATORS,
        pk_of("other_user"),
        shows=lambda world: ChartAccessFactory(user=world.other_user, patient=world.patient),
    ),
    *admin_rows(
        "auth.group", "role_group", view=ADMINISTRATORS, add=ADMINISTRATORS, versions=False
    ),
    # Sign-in lockouts (django-axes): administrators unlock (delete attempts); logs are kept.
    *admin_rows(
        "axes.accessattempt",
        "access_attempt",
        view=ADMINISTRATORS,
        delete=ADMINISTRATORS,
        versions=False,
    ),
    *admin_rows("axes.accesslog", "access_log", view=ADMINISTRATORS, versions=False),
    # FHIR API (issue 15): a signed-in role or a token; 401 (not a redirect) for anonymous.
    Row("fhir:metadata", EVERY_ROLE, open=True),
    Row(
        "fhir:patient_search",
        EVERY_ROLE,
        data=lambda world: {"identifier": world.patient.mrn},
        chart_access="FHIR search",
    ),
    Row("fhir:patient_read", EVERY_ROLE, pk_of("patient"), chart_access="FHIR patient"),
    Row("fhir:everything", EVERY_ROLE, pk_of("patient"), chart_access="FHIR everything"),
    Row("fhir:audit_events", ADMINISTRATORS, data=lambda world: {"patient": world.patient.pk}),
    Row("fhir:questionnaire", EVERY_ROLE, lambda world: ("upright-intake",)),
    Row("fhir:plan_definition", EVERY_ROLE, lambda world: ("upright-rules",)),
    Row("fhir:code_system", EVERY_ROLE, lambda world: ("upright-observation",)),
    Row("fhir:unknown", EVERY_ROLE, lambda world: ("Observation/1",), missing=True),
    # API tokens: administrators issue, view and revoke them; nobody edits or deletes one.
    *admin_rows("fhir.apitoken", "api_token", view=ADMINISTRATORS, add=ADMINISTRATORS),
    Row("admin:fhir_apitoken_revoke", ADMINISTRATORS, pk_of("api_token")),
    *admin_rows("axes.accessfailurelog", "access_failure_log", view=ADMINISTRATORS, versions=False),
    # CDS Hooks (issue 16): the EHR endpoints answer only a signed token; trusting an EHR's
    # keys and reading the cards log are for superusers.
    Row("cdshooks:discovery", NOBODY, token=True),
    Row("cdshooks:rule_feedback", STAFF, shows=lambda world: world.recommendation_feedback),
    Row("cdshooks:rule_feedback_csv", STAFF),
    Row("triage:recommendation_feedback", STAFF, pk_of("recommendation"), method="post"),
    *admin_rows("triage.recommendationfeedback", "recommendation_feedback", view=STAFF),
    Row("cdshooks:service", NOBODY, lambda world: ("upright-imaging",), method="post", token=True),
    Row("cdshooks:feedback", NOBODY, lambda world: ("upright-imaging",), method="post", token=True),
    *admin_rows("cdshooks.ehrclient", "ehr_client", view=NOBODY, versions=False),
    *admin_rows("cdshooks.issuedcard", "issued_card", view=NOBODY, versions=False),
]


def _url_names(patterns, namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _url_names(entry.url_patterns, inner)
        elif entry.name:
            yield namespace + entry.name


def _outcome(response, *, actor: str, user) -> str:
    """What the response means for this visitor: allowed, denied, sent to sign-in, or else."""
    status = response.status_code
    if status == 403:
        return DENIED
    if status == 401 and actor == ANONYMOUS:
        return SIGN_IN
    if status == 404 and actor != ANONYMOUS:
        return NOT_FOUND
    if status == 401:
        return NO_TOKEN
    if status == 200:
        return ALLOWED
    if status in (301, 302):
        location = response["Location"]
        to_sign_in = location.startswith(("/accounts/login/?", "/admin/login/?"))
        if actor == ANONYMOUS:
            return SIGN_IN if to_sign_in else f"redirected to {location}"
        # The admin sends a signed-in non-staff user to its own sign-in page (or, from
        # its logout, to its index, which does the same): that is its "denied".
        if location.startswith("/admin/login/?") or (
            location == reverse("admin:index") and not user.is_staff
        ):
            return DENIED
        return f"sent to sign-in at {location}" if to_sign_in else ALLOWED
    return f"status {status}"


def _expected(row: Row, actor: str) -> str:
    if row.token:
        # Anonymous or signed in, a missing token answers 401 (read as "sent to sign-in" for
        # anonymous visitors, as the FHIR API's 401 is).
        return SIGN_IN if actor == ANONYMOUS else NO_TOKEN
    if row.open:
        return ALLOWED
    if actor == ANONYMOUS:
        return SIGN_IN
    if row.missing:
        return NOT_FOUND
    return ALLOWED if actor in row.allowed else DENIED


def test_every_url_name_has_a_row():
    names = set(_url_names(get_resolver().url_patterns))
    declared = [row.name for row in ROWS]
    missing = sorted(names - set(declared))
    stale = sorted(set(declared) - names)
    repeated = sorted({name for name in declared if declared.count(name) > 1})
    assert not missing, f"URL names with no row in the role matrix (add them): {missing}"
    assert not stale, f"rows for URL names that no longer exist: {stale}"
    assert not repeated, f"URL names with more than one row: {repeated}"


@pytest.fixture
def users(db):
    return {
        actor: make_user(ROLE_GROUPS[actor], username=f"matrix-{actor}")
        for actor in (NURSE, CLINICIAN, ADMINISTRATOR)
    }


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_role_matrix(row, users):
    wrong = []
    for actor in ACTORS:
        user = users.get(actor)
        client = Client()
        if user is not None:
            client.force_login(user)
        world = World(user)
        if row.shows is not None:
            row.shows(world)
        url = reverse(row.name, args=row.args(world))
        response = getattr(client, row.method)(url, row.data(world))
        got = _outcome(response, actor=actor, user=user)
        if got != _expected(row, actor):
            wrong.append(f"{actor}: expected {_expected(row, actor)}, got {got}")
        elif user is not None:
            wrong += [
                f"{actor}: {problem}" for problem in _chart_access_problems(row, world, response)
            ]
    assert not wrong, f"{row.method.upper()} {row.name}: " + "; ".join(wrong)


# The chart-access log's own page names the record number it logged: reading the audit log
# is not opening a chart.
SHOWS_ONLY_THE_LOG = {
    "admin:auth_user_activity",
    "admin:patients_chartaccess_changelist",
    "admin:patients_chartaccess_change",
    "fhir:audit_events",
}


def _shows_patient(row: Row, world: World, response) -> bool:
    if "patient" not in world.__dict__ or response.status_code != 200:
        return False
    if row.name in SHOWS_ONLY_THE_LOG:
        return False
    page = response.content.decode(errors="replace")
    return world.patient.mrn in page or world.patient.display_name in page


def _chart_access_problems(row: Row, world: World, response) -> list[str]:
    """The chart-access column: the page logs what it shows, under the row's page name."""
    logged = set(
        ChartAccess.objects.filter(user=world.actor).values_list("patient_id", "page").distinct()
    )
    ChartAccess.objects.filter(user=world.actor).delete()
    problems = []
    if response.status_code == 200 and row.chart_access:
        if (world.patient.pk, row.chart_access) not in logged:
            problems.append(f"no chart access {row.chart_access!r} logged; logged {logged}")
    elif _shows_patient(row, world, response) and not logged:
        problems.append("shows the patient's record number or name but logs no chart access")
    if logged and not row.chart_access:
        problems.append(f"logs chart access {logged} but the row names no page")
    return problems
