"""`{% draft_rows drafts %}`: the rows of a nurse's unfinished intakes, written in Python.

The worklist lists ten of them, and each row's tags (three links reversed through the URL
resolver, a date, a dozen lookups) cost as much as the fifty worklist rows drawn by
`{% worklist_rows %}` (issue 12). The same HTML, byte for byte: each link's shape is reversed
once per page and the token put in. `tests/triage/test_worklist_rendering.py` compares both ways.
"""

from django import template
from django.utils.safestring import mark_safe

from triage.templatetags.pk_urls import PageLinks
from triage.templatetags.shown_values import date_shower, escaper

register = template.Library()


@register.simple_tag(takes_context=True)
def draft_rows(context, drafts) -> str:
    escape_text = escaper(context)
    shown_date = date_shower(context)
    link = PageLinks(escape_text).by_token

    parts = []
    for draft in drafts:
        patient = draft.patient
        name = escape_text(patient.display_name) if patient else ""
        if draft.current_step == "review":
            resume = link("triage:intake_review", draft.token)
        else:
            resume = link("triage:intake_step", draft.token, draft.current_step or "patient")
        discard = link("triage:intake_discard", draft.token)
        for_whom = name or "an unchosen patient"
        saved = shown_date(draft.updated_at, "j M Y H:i")
        parts.append(
            "\n      <tr>"
            f'\n        <th scope="row">{name if patient else "Patient not chosen"}</th>'
            '\n        <td data-label="Record number">'
            f"{(escape_text(patient.mrn) if patient else '') or '–'}</td>"
            f'\n        <td data-label="Next step">{escape_text(draft.step_title)}</td>'
            f'\n        <td data-label="Last saved">{saved}</td>'
            '\n        <td class="text-nowrap">'
            f'\n          <a class="btn btn-sm btn-primary" href="{resume}">Resume'
            f'<span class="visually-hidden"> intake for {for_whom}</span></a>'
            f'\n          <a class="btn btn-sm btn-link text-danger" href="{discard}">Discard'
            f'<span class="visually-hidden"> intake for {for_whom}</span></a>'
            "\n        </td>"
            "\n      </tr>"
            "\n    "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
