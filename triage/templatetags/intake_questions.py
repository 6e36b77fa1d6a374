"""`{% question field %}`: a yes/no (or short choice) question as a fieldset of radios.

The legend is the question, the radios sit side by side, and the hint and any error are linked
to the group with aria-describedby. Written in Python rather than as an included template
because the intake steps and the visit form ask dozens of these questions a page, and the
template engine spent most of those pages' time on them (issue 12, rendering).
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import template
from django.forms import BoundField, RadioSelect
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def question(field: BoundField) -> SafeString:
    auto_id = field.auto_id
    errors = field.errors
    help_text = field.help_text
    required = field.field.required
    invalid = " is-invalid" if errors else ""
    aria_invalid = mark_safe(' aria-invalid="true"') if errors else ""
    current = field.value()
    name = field.html_name

    described = ""
    if help_text or errors:
        ids = (f"{auto_id}_helptext" if help_text else "") + (f" {auto_id}_error" if errors else "")
        described = format_html(' aria-describedby="{}"', ids)
    parts = [
        format_html('<div id="div_{}" class="mb-3 intake-question">', auto_id),
        format_html("<fieldset{}>", described),
        format_html(
            '<legend class="form-label fs-6 mb-1{}">{}{}</legend>',
            " requiredField" if required else "",
            field.label,
            mark_safe('<span class="asteriskField" aria-hidden="true">*</span>')
            if required
            else "",
        ),
    ]
    for index, (value, label) in enumerate(field.field.choices):
        option_id = f"{auto_id}_{index}"
        parts.append(
            format_html(
                '<div class="form-check form-check-inline">'
                '<input type="radio" class="form-check-input{}" name="{}" value="{}" id="{}"{}{}>'
                '<label class="form-check-label" for="{}">{}</label></div>',
                invalid,
                name,
                value,
                option_id,
                mark_safe(" checked") if current == value else "",
                aria_invalid,
                option_id,
                label,
            )
        )
    if errors:
        parts.append(format_html('<div id="{}_error" class="invalid-feedback d-block">', auto_id))
        parts.extend(
            format_html('<p class="mb-0"><strong>{}</strong></p>', error) for error in errors
        )
        parts.append(mark_safe("</div>"))
    if help_text:
        parts.append(
            format_html('<div id="{}_helptext" class="form-text">{}</div>', auto_id, help_text)
        )
    parts.append(mark_safe("</fieldset></div>"))
    return format_html_join("", "{}", ((part,) for part in parts))


@register.simple_tag
def step_fields(form) -> SafeString:
    """Every question a step form asks this patient, as `{% crispy form %}` drew them: yes/no
    questions by `question`, the other fields by crispy's own field template."""
    problems = form.non_field_errors()
    summary = (
        format_html(
            '<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>',
            format_html_join("", "<li>{}</li>", ((problem,) for problem in problems)),
        )
        if problems
        else ""
    )
    fields = (
        question(field) if isinstance(field.field.widget, RadioSelect) else as_crispy_field(field)
        for field in form.shown_fields()
    )
    return format_html("{}{}", summary, format_html_join("", "{}", ((field,) for field in fields)))
