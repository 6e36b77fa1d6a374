"""The nurse's worklist: open escalations, overdue visits, missed medicine reviews still to do,
due today, the next 7 days.

The combined page costs one query whatever the number of rows (every group's first rows and its
count up to a cap, `_previews`); a group's own page costs two (its rows, its count). Each walks an
index: `escalation_open_priority_idx` for escalations (emergency first), the partial
`followup_open_due_idx` (scheduled, not voided, by due date and pk) for visits, and the partial
`followup_review_due_idx` (missed medicine reviews not yet done) for the reviews.
"""

import datetime
import json
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import connections, router
from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from patients import paging
from patients.models import Patient, display_name
from triage.guideline import FACT_SPECS
from triage.models import (
    MEDICINE_REVIEW_DAY,
    Encounter,
    Escalation,
    EscalationPriority,
    FollowUp,
    FollowUpStatus,
    VisitRecord,
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
# three model instances per row would cost more than the queries themselves. Each group reads
# some of these columns (the name a row builder uses, and the lookup that gives it); those it
# does not read are empty.
_COLUMN_NAMES = (
    "pk",
    "due_date",
    "opened_at",
    "what",
    "red_flags",
    "priority",
    "visit_day",
    "encounter_pk",
    "patient_pk",
    "mrn",
    "family_name",
    "given_name",
)
_PATIENT_COLUMNS = {
    "patient_pk": "encounter__patient_id",
    "mrn": "encounter__patient__mrn",
    "family_name": "encounter__patient__family_name",
    "given_name": "encounter__patient__given_name",
}
_GROUP_COLUMNS = {
    "escalations": {
        "pk": "pk",
        "opened_at": "opened_at",
        "red_flags": "red_flags",
        "priority": "priority",
        "visit_day": "visit__day",
        **_PATIENT_COLUMNS,
    },
    "medicine_reviews": {
        "pk": "pk",
        "due_date": "due_date",
        "what": "status_reason",
        "encounter_pk": "encounter_id",
        **_PATIENT_COLUMNS,
    },
    "visits": {"pk": "pk", "due_date": "due_date", "what": "purpose", **_PATIENT_COLUMNS},
}


def _columns(group: str) -> dict[str, str]:
    return _GROUP_COLUMNS.get(group, _GROUP_COLUMNS["visits"])


def _row(group: str, values: dict, today: datetime.date) -> WorklistRow:
    """One row from the columns its group reads (`_GROUP_COLUMNS`)."""
    common = {
        "pk": values["pk"],
        "patient_pk": values["patient_pk"],
        "patient_name": display_name(values["family_name"], values["given_name"]),
        "mrn": values["mrn"],
    }
    if group == "escalations":
        visit_day = values["visit_day"]
        source = "intake" if visit_day is None else f"day {visit_day} visit"
        return WorklistRow(
            kind="escalation",
            what=f"Red flags at {source}: {red_flag_labels(values['red_flags'])}",
            due_date=None,
            days_overdue=0,
            opened_at=values["opened_at"],
            priority=values["priority"],
            **common,
        )
    due_date = values["due_date"]
    common |= {"due_date": due_date, "days_overdue": max((today - due_date).days, 0)}
    if group == "medicine_reviews":
        return WorklistRow(
            kind="medicine_review",
            what=f"The day-14 medicine review was missed ({values['what']}); it still has to "
            "happen, by telephone if need be.",
            encounter_pk=values["encounter_pk"],
            **common,
        )
    return WorklistRow(kind="visit", what=values["what"], **common)


def _rows(group: str, queryset: QuerySet, today: datetime.date) -> tuple[WorklistRow, ...]:
    names, lookups = zip(*_columns(group).items(), strict=True)
    return tuple(
        _row(group, dict(zip(names, values, strict=True)), today)
        for values in queryset.values_list(*lookups)
    )


def _queryset(group: str, today: datetime.date) -> QuerySet:
    if group == "escalations":
        return open_escalations()
    if group == "medicine_reviews":
        return missed_medicine_reviews()
    return open_visits(group, today)


# Groups with no lower bound reach back through years of records: they are counted in their
# list's order, so the planner walks the list's index and stops at the cap. Unordered, it may
# guess that a scan of the table meets the first rows soon (at 100,000 patients it read a
# million follow-ups to count a hundred missed reviews). Today and the next 7 days are a short
# range of their index: unordered, the planner reads that range and stops at the cap; ordered,
# it misjudged the week as 90 rows and sorted all 3,000 of them after joining each.
_COUNTED_IN_ORDER = frozenset({"escalations", "overdue", "medicine_reviews"})


def _counted(group: str, queryset: QuerySet) -> QuerySet:
    return queryset if group in _COUNTED_IN_ORDER else queryset.order_by()


def _capped_count_sql(group: str, queryset: QuerySet, cap: int, alias: str) -> tuple[str, list]:
    """`(SELECT COUNT(*) FROM (... LIMIT cap + 1))`: the group's size counted no further than
    one beyond `cap`, in its counting order (`_counted`), as a scalar subquery."""
    sql, params = _counted(group, queryset).values("pk")[: cap + 1].query.sql_with_params()
    # Django's own compiled SQL; every value stays a bound parameter.
    return f"(SELECT COUNT(*) FROM ({sql}) AS {alias})", list(params)  # noqa: S608


def _capped(total: int, cap: int) -> tuple[int, bool]:
    return min(total, cap), total > cap


def _capped_count(group: str, queryset: QuerySet, cap: int) -> tuple[int, bool]:
    """The group's size counted no further than `cap`, and whether there were more."""
    sql, params = _capped_count_sql(group, queryset, cap, "capped")
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        [total] = cursor.fetchone()
    return _capped(total, cap)


def _column_types(connection) -> dict[str, str]:
    """The database type of each column, for the empty ones of a group that does not read it:
    PostgreSQL matches the columns of a UNION by type."""
    fields = {
        "pk": FollowUp._meta.pk,
        "due_date": FollowUp._meta.get_field("due_date"),
        "opened_at": Escalation._meta.get_field("opened_at"),
        "what": FollowUp._meta.get_field("purpose"),
        "red_flags": Escalation._meta.get_field("red_flags"),
        "priority": Escalation._meta.get_field("priority"),
        "visit_day": VisitRecord._meta.get_field("day"),
        "encounter_pk": Encounter._meta.pk,
        "patient_pk": Patient._meta.pk,
        "mrn": Patient._meta.get_field("mrn"),
        "family_name": Patient._meta.get_field("family_name"),
        "given_name": Patient._meta.get_field("given_name"),
    }
    return {name: field.cast_db_type(connection) for name, field in fields.items()}


def _read_values(row: tuple) -> dict:
    """A row's columns as Django would give them: PostgreSQL returns dates and times typed,
    SQLite as text or naive UTC once they have passed through a UNION; JSON comes back as text
    from both."""
    values = dict(zip(_COLUMN_NAMES, row, strict=True))
    red_flags, due_date, opened_at = values["red_flags"], values["due_date"], values["opened_at"]
    if isinstance(red_flags, str):
        values["red_flags"] = json.loads(red_flags)
    if isinstance(due_date, str):
        values["due_date"] = datetime.date.fromisoformat(due_date)
    if opened_at is not None:
        if isinstance(opened_at, str):
            opened_at = parse_datetime(opened_at)
        if settings.USE_TZ and timezone.is_naive(opened_at):
            opened_at = timezone.make_aware(opened_at, datetime.UTC)
        values["opened_at"] = opened_at
    return values


@lru_cache(maxsize=8)
def _previews_statement(
    alias: str, vendor: str, today: datetime.date, preview_rows: int, count_cap: int
) -> tuple[str, tuple]:
    """The combined page's one statement and its parameters (see `_previews`).

    It depends on nothing but the day, the database and the two sizes, and building it (five
    querysets, ten compiled queries) cost more than the statement takes to run: it is built
    once a day per process."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    types = _column_types(connection)
    parts, params = [], []
    for index, group in enumerate(GROUPS):
        queryset = _queryset(group, today).using(alias)
        columns = _columns(group)
        order = [
            F(name[1:]).desc() if name.startswith("-") else F(name).asc()
            for name in queryset.query.order_by
        ]
        rank = Window(RowNumber(), order_by=order)
        rows_sql, rows_params = (
            queryset.annotate(worklist_rank=rank)[:preview_rows]
            .values_list(*columns.values(), "worklist_rank")
            .query.sql_with_params()
        )
        count_sql, count_params = _capped_count_sql(group, queryset, count_cap, f"capped_{index}")
        selected = [
            f"p{index}.{quote(columns[name])}"
            if name in columns
            else f"CAST(NULL AS {types[name]})"
            for name in _COLUMN_NAMES
        ]
        # Django's own compiled SQL; every value stays a bound parameter.
        parts.append(
            f"SELECT {index}, {count_sql}, "  # noqa: S608
            f"p{index}.{quote('worklist_rank')}, {', '.join(selected)} "
            f"FROM ({rows_sql}) AS p{index}"
        )
        params.extend([*count_params, *rows_params])
    return " UNION ALL ".join(parts) + " ORDER BY 1, 3", tuple(params)


def _previews(
    today: datetime.date, alias: str
) -> dict[str, tuple[tuple[WorklistRow, ...], tuple[int, bool]]]:
    """Each group's first PREVIEW_ROWS rows and its count capped at COUNT_CAP, in one statement.

    A round trip costs about as much as one of these small reads, and the combined page needs
    ten of them. Each group is its own part of a UNION ALL, Django's compiled SQL for its rows
    (in its order, numbered) and, beside each row, its capped count as a scalar subquery
    (`SELECT COUNT(*) FROM (... LIMIT cap + 1)`, evaluated once). A group with no rows has
    nothing to count: its total is 0.
    """
    connection = connections[alias]
    sql, params = _previews_statement(alias, connection.vendor, today, PREVIEW_ROWS, COUNT_CAP)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    result = dict.fromkeys(GROUPS, ((), (0, False)))
    for index, group in enumerate(GROUPS):
        mine = [row for row in found if row[0] == index]
        if not mine:
            continue
        total = mine[0][1]
        rows = tuple(_row(group, _read_values(row[3:]), today) for row in mine)
        result[group] = (rows, _capped(total, COUNT_CAP))
    return result


def full_group(group: str, today: datetime.date, page_number: str | None) -> WorklistGroup:
    """One group on its own, PAGE_SIZE rows a page: two queries, the count capped too."""
    queryset = _queryset(group, today)
    total, capped = _capped_count(group, queryset, GROUP_COUNT_CAP)
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
    previews = _previews(today, router.db_for_read(Escalation))
    return [
        WorklistGroup(
            key=key,
            title=GROUP_TITLES[key],
            empty_text=EMPTY_TEXT[key],
            rows=rows,
            total=total,
            total_is_capped=capped,
        )
        for key, (rows, (total, capped)) in previews.items()
    ]
