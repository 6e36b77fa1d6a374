"""The nurse's worklist: open escalations, overdue visits, missed medicine reviews still to do,
due today, the next 7 days.

The combined page costs six queries whatever the number of rows (each group's first rows, and
one statement counting every group up to a cap); a group's own page costs two. Each walks an
index: `escalation_open_priority_idx` for escalations (emergency first), the partial
`followup_open_due_idx` (scheduled, not voided, by due date) for visits, and the partial
`followup_review_due_idx` (missed medicine reviews not yet done) for the reviews.
"""

import datetime
from dataclasses import dataclass

from django.db import connections
from django.db.models import QuerySet

from patients import paging
from patients.models import Patient
from triage.guideline import FACT_SPECS
from triage.models import (
    MEDICINE_REVIEW_DAY,
    Escalation,
    EscalationPriority,
    FollowUp,
    FollowUpStatus,
)

GROUPS = ("escalations", "overdue", "medicine_reviews", "today", "week")
GROUP_TITLES = {
    "escalations": "Open escalations",
    "overdue": "Overdue visits",
    "medicine_reviews": "Medicine reviews still due",
    "today": "Due today",
    "week": "Due in the next 7 days",
}
EMPTY_TEXT = {
    "escalations": "No open escalations.",
    "overdue": "No overdue visits.",
    "medicine_reviews": "No missed medicine reviews.",
    "today": "No visits due today.",
    "week": "No visits due in the next 7 days.",
}
WEEK_DAYS = 7
# Rows each group shows on the combined page; a group's own page shows PAGE_SIZE a page.
PREVIEW_ROWS = 10
PAGE_SIZE = 50
# Counting stops here, so a huge backlog costs no more than a modest one ("100+").
COUNT_CAP = 100
GROUP_COUNT_CAP = 1000


@dataclass(frozen=True, slots=True)
class WorklistRow:
    """One line of the worklist: a visit to record, or an escalation to act on."""

    kind: str  # "visit" or "escalation"
    pk: int
    patient_pk: int
    patient_name: str
    mrn: str
    what: str
    due_date: datetime.date | None
    days_overdue: int
    opened_at: datetime.datetime | None = None
    priority: str = ""  # an escalation's: "emergency" or "urgent"
    encounter_pk: int | None = None  # a task's episode, where the visit is recorded

    @property
    def is_emergency(self) -> bool:
        return self.priority == EscalationPriority.EMERGENCY


@dataclass(frozen=True, slots=True)
class WorklistGroup:
    key: str
    title: str
    empty_text: str
    rows: tuple[WorklistRow, ...]
    total: int
    total_is_capped: bool
    page: paging.PagePosition | None = None  # set when the group is shown on its own

    @property
    def has_more(self) -> bool:
        return self.total > len(self.rows)


def red_flag_labels(keys: list[str]) -> str:
    """The red flags in plain words, as the intake asked them."""
    return ", ".join(FACT_SPECS[key].label if key in FACT_SPECS else key for key in keys)


def open_escalations() -> QuerySet:
    """Open escalations of non-voided records: emergency first, then the oldest first."""
    return Escalation.objects.open().most_pressing_first()


def missed_medicine_reviews() -> QuerySet:
    """Missed day-14 visits (the medicine review) of non-voided episodes with no visit recorded
    since: the review still has to happen, by telephone if need be. Oldest first.

    "No visit recorded since" is the `review_done` mark the visit services keep
    (`refresh_medicine_review_marks`), so this walks the partial index alone."""
    return FollowUp.objects.filter(
        status=FollowUpStatus.MISSED,
        plan_day=MEDICINE_REVIEW_DAY,
        voided_at__isnull=True,
        review_done=False,
        encounter__voided_at__isnull=True,
    ).order_by("due_date", "pk")


def open_visits(group: str, today: datetime.date) -> QuerySet:
    """Scheduled, not voided visits of non-voided encounters in the group's window, by due date."""
    visits = FollowUp.objects.open().filter(encounter__voided_at__isnull=True)
    if group == "overdue":
        visits = visits.filter(due_date__lt=today)
    elif group == "today":
        visits = visits.filter(due_date=today)
    elif group == "week":
        end = today + datetime.timedelta(days=WEEK_DAYS)
        visits = visits.filter(due_date__gt=today, due_date__lte=end)
    else:
        raise ValueError(f"not a visit group: {group}")
    return visits.order_by("due_date", "pk")


# Rows are read as plain values: the worklist shows a few columns of many rows, and building
# three model instances per row would cost more than the queries themselves.
_PATIENT_COLUMNS = (
    "encounter__patient_id",
    "encounter__patient__mrn",
    "encounter__patient__family_name",
    "encounter__patient__given_name",
)


def _patient_name(family_name: str, given_name: str) -> str:
    return Patient(family_name=family_name, given_name=given_name).display_name


def _escalation_rows(escalations: QuerySet) -> tuple[WorklistRow, ...]:
    columns = ("pk", "opened_at", "red_flags", "priority", "visit__day", *_PATIENT_COLUMNS)
    rows = []
    for (
        pk,
        opened_at,
        flags,
        priority,
        visit_day,
        patient_pk,
        mrn,
        family,
        given,
    ) in escalations.values_list(*columns):
        source = "intake" if visit_day is None else f"day {visit_day} visit"
        rows.append(
            WorklistRow(
                kind="escalation",
                pk=pk,
                patient_pk=patient_pk,
                patient_name=_patient_name(family, given),
                mrn=mrn,
                what=f"Red flags at {source}: {red_flag_labels(flags)}",
                due_date=None,
                days_overdue=0,
                opened_at=opened_at,
                priority=priority,
            )
        )
    return tuple(rows)


def _visit_rows(visits: QuerySet, today: datetime.date) -> tuple[WorklistRow, ...]:
    columns = ("pk", "due_date", "purpose", *_PATIENT_COLUMNS)
    return tuple(
        WorklistRow(
            kind="visit",
            pk=pk,
            patient_pk=patient_pk,
            patient_name=_patient_name(family, given),
            mrn=mrn,
            what=purpose,
            due_date=due_date,
            days_overdue=max((today - due_date).days, 0),
        )
        for pk, due_date, purpose, patient_pk, mrn, family, given in visits.values_list(*columns)
    )


def _task_rows(missed: QuerySet, today: datetime.date) -> tuple[WorklistRow, ...]:
    columns = ("pk", "due_date", "status_reason", "encounter_id", *_PATIENT_COLUMNS)
    return tuple(
        WorklistRow(
            kind="medicine_review",
            pk=pk,
            patient_pk=patient_pk,
            patient_name=_patient_name(family, given),
            mrn=mrn,
            what=f"The day-14 medicine review was missed ({reason}); it still has to happen, "
            "by telephone if need be.",
            due_date=due_date,
            days_overdue=max((today - due_date).days, 0),
            encounter_pk=encounter_pk,
        )
        for pk, due_date, reason, encounter_pk, patient_pk, mrn, family, given in (
            missed.values_list(*columns)
        )
    )


def _rows(group: str, queryset: QuerySet, today: datetime.date) -> tuple[WorklistRow, ...]:
    if group == "escalations":
        return _escalation_rows(queryset)
    if group == "medicine_reviews":
        return _task_rows(queryset, today)
    return _visit_rows(queryset, today)


def _queryset(group: str, today: datetime.date) -> QuerySet:
    if group == "escalations":
        return open_escalations()
    if group == "medicine_reviews":
        return missed_medicine_reviews()
    return open_visits(group, today)


def _capped_counts(querysets: list[QuerySet], cap: int) -> list[tuple[int, bool]]:
    """Each queryset's size counted no further than `cap`, and whether there were more.

    One statement of scalar subqueries, `SELECT (SELECT COUNT(*) FROM (... LIMIT cap + 1)),
    ...`: a round trip to the database costs about as much as a small count itself.
    """
    parts, params = [], []
    for queryset in querysets:
        sql, part_params = queryset.order_by().values("pk")[: cap + 1].query.sql_with_params()
        # Django's own compiled SQL; every value stays a bound parameter.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped_{len(parts)})")  # noqa: S608
        params.extend(part_params)
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        totals = cursor.fetchone()
    return [(min(total, cap), total > cap) for total in totals]


def _preview(
    group: str, queryset: QuerySet, count: tuple[int, bool], today: datetime.date
) -> WorklistGroup:
    total, capped = count
    return WorklistGroup(
        key=group,
        title=GROUP_TITLES[group],
        empty_text=EMPTY_TEXT[group],
        rows=_rows(group, queryset[:PREVIEW_ROWS], today),
        total=total,
        total_is_capped=capped,
    )


def full_group(group: str, today: datetime.date, page_number: str | None) -> WorklistGroup:
    """One group on its own, PAGE_SIZE rows a page: two queries, the count capped too."""
    queryset = _queryset(group, today)
    [(total, capped)] = _capped_counts([queryset], GROUP_COUNT_CAP)
    number = paging.page_number(page_number)
    start = (number - 1) * PAGE_SIZE
    # One row beyond the page tells whether there is a next page without counting them all.
    rows = _rows(group, queryset[start : start + PAGE_SIZE + 1], today)
    return WorklistGroup(
        key=group,
        title=GROUP_TITLES[group],
        empty_text=EMPTY_TEXT[group],
        rows=rows[:PAGE_SIZE],
        total=total,
        total_is_capped=capped,
        page=paging.PagePosition(number=number, has_next=len(rows) > PAGE_SIZE),
    )


def build_worklist(
    *, today: datetime.date, group: str | None = None, page_number: str | None = None
) -> list[WorklistGroup]:
    """The worklist's groups, most urgent first; `group` narrows it to one group."""
    if group in GROUPS:
        return [full_group(group, today, page_number)]
    querysets = [_queryset(key, today) for key in GROUPS]
    counts = _capped_counts(querysets, COUNT_CAP)
    return [
        _preview(key, queryset, count, today)
        for key, queryset, count in zip(GROUPS, querysets, counts, strict=True)
    ]
