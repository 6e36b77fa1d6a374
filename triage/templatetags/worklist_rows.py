"""`{% worklist_rows group %}`: the rows of one worklist group, written in Python.

The worklist shows up to fifty rows, and drawing each through the template's tags and filters
(a dozen lookups, three permission checks, two links, a date) was most of the page's rendering
at 100,000 patients (issue 12). This writes the same HTML, byte for byte: the permissions and
link shapes are looked up once per group, each date formatted once, and every value escaped as
the template escaped it. `tests/triage/test_worklist_rendering.py` renders every kind of row,
for every role, both ways and compares them.
"""

from django import template
from django.template.defaultfilters import pluralize
from django.utils.formats import localize
from django.utils.safestring import mark_safe

from triage.templatetags.pk_urls import PageLinks
from triage.templatetags.shown_values import date_shower, escaper

register = template.Library()

_EMERGENCY_BADGE = '<span class="badge text-bg-danger me-1">Emergency</span>'
_URGENT_BADGE = '<span class="badge text-bg-warning me-1">Urgent</span>'


def _has_perm(context, perm: str) -> bool:
    # As `{% if perms.triage.x %}`: no `perms` in the context reads as no permission.
    perms = context.get("perms")
    return perms is not None and perm in perms


@register.simple_tag(takes_context=True)
def worklist_rows(context, group) -> str:
    escape_text = escaper(context)
    link = PageLinks(escape_text).by_id
    shown_date = date_shower(context)

    can_close = _has_perm(context, "triage.close_escalation")
    can_record_review = _has_perm(context, "triage.add_followup") and _has_perm(
        context, "triage.add_visitrecord"
    )
    what_label = "Reason" if group.key == "escalations" else "Purpose"
    overdue = group.key == "overdue"
    parts = []
    for row in group.rows:
        name = escape_text(row.patient_name)
        chart = link("triage:patient_chart", row.patient_pk)
        open_chart = (
            f'<a href="{chart}">Open chart<span class="visually-hidden"> of {name}</span></a>'
        )
        if row.is_emergency:
            badge = _EMERGENCY_BADGE
        elif row.kind == "escalation":
            badge = _URGENT_BADGE
        else:
            badge = ""
        row_class = ' class="table-danger worklist-emergency"' if row.is_emergency else ""
        parts.append(
            f"\n      <tr{row_class}>"
            f'\n        <th scope="row">{badge}<a href="{chart}">{name}</a></th>'
            f'\n        <td data-label="Record number">{escape_text(row.mrn)}</td>'
            f'\n        <td data-label="{what_label}">{escape_text(row.what)}</td>'
            "\n        "
        )
        if row.kind == "escalation":
            if can_close:
                action = (
                    '<a class="btn btn-sm btn-outline-danger" '
                    f'href="{link("triage:escalation_close", row.pk)}">Record outcome'
                    f'<span class="visually-hidden"> for {name}</span></a>'
                )
            else:
                action = open_chart
            parts.append(
                f'\n        <td data-label="Opened">{shown_date(row.opened_at, "j M Y H:i")}</td>'
                f"\n        <td>{action}</td>"
            )
        elif row.kind == "medicine_review":
            if can_record_review:
                action = (
                    '<a class="btn btn-sm btn-primary text-nowrap" '
                    f'href="{link("triage:visit_add", row.encounter_pk)}?review=medicines">'
                    "Record the medicine review"
                    f'<span class="visually-hidden"> for {name}</span></a>'
                )
            else:
                action = open_chart
            parts.append(
                f"\n        <td>{shown_date(row.due_date, 'j M Y')}</td>\n        <td>{action}</td>"
            )
        else:
            days = ""
            if overdue:
                count = escape_text(localize(row.days_overdue, use_l10n=context.use_l10n))
                days = f'<td data-label="Overdue by">{count} day{pluralize(row.days_overdue)}</td>'
            parts.append(
                f'\n        <td data-label="Due">{shown_date(row.due_date, "j M Y")}</td>'
                f"\n        {days}"
                '\n        <td><a class="btn btn-sm btn-primary text-nowrap" '
                f'href="{link("triage:followup_record", row.pk)}">Record visit'
                f'<span class="visually-hidden"> for {name}</span></a></td>'
            )
        parts.append("\n        \n      </tr>\n    ")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
