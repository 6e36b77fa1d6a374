"""Reads of the patient registry, and of who did what to it (a user's activity)."""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db import models
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Cast
from simple_history.utils import get_history_model_for_model

from patients import paging
from patients.models import ChartAccess, Patient


def patients_matching(term: str) -> QuerySet[Patient]:
    """Patients whose record number or name matches every word of `term`; all of them when
    the term is blank (in the registry's order: family name, given name, record number)."""
    term = term.strip()
    return Patient.objects.search(term) if term else Patient.objects.all()


@dataclass(frozen=True, slots=True)
class RegistryPage(paging.PagePosition):
    object_list: tuple[Patient, ...]


def registry_page(number: int, size: int) -> RegistryPage:
    """One page of the whole registry in its order, not counted: a search narrows a clinic
    network's registry to the patient wanted, and counting 100,000 patients for "page 1 of
    4,000" took a quarter of the page's time (the name-order index serves the page itself)."""
    start = (number - 1) * size
    rows = list(Patient.objects.all()[start : start + size + 1])
    return RegistryPage(number=number, has_next=len(rows) > size, object_list=tuple(rows[:size]))


# --- One user's activity, for administrators (issue 11) ---

ACTIVITY_PAGE_SIZE = 50
VIEWED, RECORD_HISTORY, ADMIN_LOG = "viewed", "history", "admin"
_HISTORY_ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}
_ADMIN_ACTIONS = {str(ADDITION): "Added", str(CHANGE): "Changed", str(DELETION): "Deleted"}
# Every source names these columns in this order, so UNION ALL lines them up.
_COLUMNS = (
    "act_at",
    "act_source",
    "act_action",
    "act_app",
    "act_model",
    "act_object",
    "act_detail",
)


@dataclass(frozen=True, slots=True)
class Activity:
    """One thing a user did: changed a record (its history or the admin's log) or viewed one."""

    at: datetime.datetime
    source: str  # VIEWED, RECORD_HISTORY or ADMIN_LOG
    action: str  # "+", "~", "-" (history), "1"-"3" (admin log) or the page viewed
    app_label: str
    model_name: str
    object_id: str
    detail: str  # the patient's record number (viewed) or the admin's name for the record

    @property
    def verb(self) -> str:
        if self.source == VIEWED:
            return "Viewed"
        if self.source == ADMIN_LOG:
            return f"{_ADMIN_ACTIONS.get(self.action, 'Changed')} in the admin"
        return _HISTORY_ACTIONS.get(self.action, "Changed")

    @property
    def source_label(self) -> str:
        return {VIEWED: "Chart access", ADMIN_LOG: "Admin log"}.get(self.source, "Record history")

    @property
    def description(self) -> str:
        """The record number and page of a view; the admin's name for a record it changed."""
        return f"{self.detail}, page: {self.action}" if self.source == VIEWED else self.detail

    @property
    def model_label(self) -> str:
        try:
            return str(apps.get_model(self.app_label, self.model_name)._meta.verbose_name)
        except LookupError:
            return self.model_name


@dataclass(frozen=True, slots=True)
class ActivityPage(paging.PagePosition):
    rows: tuple[Activity, ...]


def _history_models() -> list[type[models.Model]]:
    """The history table of every model that keeps one (django-simple-history)."""
    found = {
        get_history_model_for_model(model)
        for model in apps.get_models()
        if hasattr(model._meta, "simple_history_manager_attribute")
    }
    return sorted(found, key=lambda history: history._meta.label)


def _text(value: str) -> Value:
    return Value(value, output_field=models.CharField())


def _as_text(field: str) -> Cast:
    return Cast(F(field), output_field=models.CharField())


def _lined_up(rows: QuerySet, **columns) -> QuerySet:
    """The source's rows as the activity's columns, in their fixed order, unordered."""
    return (
        rows.order_by()
        .annotate(**{name: columns[name] for name in _COLUMNS})
        .values_list(*_COLUMNS)
    )


def _activity_sources(user) -> list[QuerySet]:
    histories = [
        _lined_up(
            history.objects.filter(history_user=user),
            act_at=F("history_date"),
            act_source=_text(RECORD_HISTORY),
            act_action=_as_text("history_type"),
            act_app=_text(history.instance_type._meta.app_label),
            act_model=_text(history.instance_type._meta.model_name),
            act_object=_as_text(history.instance_type._meta.pk.attname),
            act_detail=_text(""),
        )
        for history in _history_models()
    ]
    admin_log = _lined_up(
        LogEntry.objects.filter(user=user),
        act_at=F("action_time"),
        act_source=_text(ADMIN_LOG),
        act_action=_as_text("action_flag"),
        act_app=F("content_type__app_label"),
        act_model=F("content_type__model"),
        act_object=F("object_id"),
        act_detail=F("object_repr"),
    )
    viewed = _lined_up(
        ChartAccess.objects.filter(user=user),
        act_at=F("accessed_at"),
        act_source=_text(VIEWED),
        act_action=F("page"),
        act_app=_text(Patient._meta.app_label),
        act_model=_text(Patient._meta.model_name),
        act_object=_as_text("patient_id"),
        act_detail=F("patient__mrn"),
    )
    return [*histories, admin_log, viewed]


def user_activity(*, user, page_number: str | None = None) -> ActivityPage:
    """Everything `user` changed (every history table, the admin's log) or viewed (the
    chart-access log), newest first, a page at a time: one query whatever the page, with one
    row beyond the page to tell whether another follows (nothing is counted)."""
    first, *others = _activity_sources(user)
    number = paging.page_number(page_number)
    start = (number - 1) * ACTIVITY_PAGE_SIZE
    combined = first.union(*others, all=True).order_by("-act_at", "-act_source")
    rows = [Activity(*row) for row in combined[start : start + ACTIVITY_PAGE_SIZE + 1]]
    return ActivityPage(
        rows=tuple(rows[:ACTIVITY_PAGE_SIZE]),
        number=number,
        has_next=len(rows) > ACTIVITY_PAGE_SIZE,
    )
