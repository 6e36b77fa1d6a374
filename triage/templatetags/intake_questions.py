"""`{% question field %}`: a yes/no (or short choice) question as a fieldset of radios;
`{% form_field field %}`: any other field as crispy-forms' bootstrap5 field template draws it.

The legend is the question, the radios sit side by side, and the hint and any error are linked
to the group with aria-describedby. Written in Python rather than as included templates
because the intake steps and the visit form ask dozens of these questions a page, and the
template engine spent most of those pages' time on them (issue 12, rendering).
"""

import html

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.conf import settings
from django.forms import BoundField, RadioSelect
from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


_QUESTION_ASTERISK = '<span class="asteriskField" aria-hidden="true">*</span>'
_FIELD_ASTERISK = '<span class="asteriskField">*</span>'


def _e(value) -> str:
    """`conditional_escape` without its wrappers (this module calls it thousands of times a
    page): safe strings as they are, anything else escaped as Django's `escape` does."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


@register.simple_tag
def question(field: BoundField) -> SafeString:
    auto_id = _e(field.auto_id)
    errors = field.errors
    help_text = field.help_text
    required = field.field.required
    invalid = " is-invalid" if errors else ""
    aria_invalid = ' aria-invalid="true"' if errors else ""
    current = field.value()
    name = _e(field.html_name)

    described = ""
    if help_text or errors:
        ids = (f"{auto_id}_helptext" if help_text else "") + (f" {auto_id}_error" if errors else "")
        described = f' aria-describedby="{ids}"'
    parts = [
        f'<div id="div_{auto_id}" class="mb-3 intake-question"><fieldset{described}>'
        f'<legend class="form-label fs-6 mb-1{" requiredField" if required else ""}">'
        f"{_e(field.label)}"
        f"{_QUESTION_ASTERISK if required else ''}"
        "</legend>"
    ]
    for index, (value, label) in enumerate(field.field.choices):
        option_id = f"{auto_id}_{index}"
        parts.append(
            '<div class="form-check form-check-inline">'
            f'<input type="radio" class="form-check-input{invalid}" name="{name}" '
            f'value="{_e(value)}" id="{option_id}"{" checked" if current == value else ""}'
            f'{aria_invalid}><label class="form-check-label" for="{option_id}">{_e(label)}</label>'
            "</div>"
        )
    if errors:
        parts.append(f'<div id="{auto_id}_error" class="invalid-feedback d-block">')
        parts.extend(f'<p class="mb-0"><strong>{_e(error)}</strong></p>' for error in errors)
        parts.append("</div>")
    if help_text:
        parts.append(f'<div id="{auto_id}_helptext" class="form-text">{_e(help_text)}</div>')
    parts.append("</fieldset></div>")
    return mark_safe("".join(parts))  # noqa: S308 (every value above went through _e)


# Widgets crispy's field template draws some other way (a check box, radios, a file, several
# inputs, a hidden input): `form_field` hands them to crispy itself.
_DRAWN_BY_CRISPY = (
    forms.CheckboxInput,
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.FileInput,
    forms.MultiWidget,
)
_FIELD_TEMPLATE = "bootstrap5/field.html"


def _crispy_attributes(form) -> dict | None:
    """The form helper's attributes the field template reads, when they are ones `form_field`
    draws (no helper, or one that only says where errors and hints go); None otherwise."""
    helper = getattr(form, "helper", None)
    if helper is None:
        return {}
    if (helper.field_template or _FIELD_TEMPLATE) != _FIELD_TEMPLATE:
        return None
    attributes = helper.get_attributes("bootstrap5")
    layout_free = not any(
        attributes.get(name)
        for name in ("form_class", "label_class", "field_class", "wrapper_class", "tag")
    )
    shown = attributes["form_show_labels"] and attributes["form_show_errors"]
    return attributes if layout_free and shown else None


def _add_classes(widget: forms.Widget, classes: str) -> None:
    """What crispy's `{% crispy_field field 'class' classes %}` does to the widget's classes."""
    name = widget.__class__.__name__.lower()
    name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(name, name)
    css_class = widget.attrs.get("class", "")
    if not css_class:
        css_class = name
    elif css_class.find(name) == -1:
        css_class += f" {name}"
    for extra in classes.split():
        if extra not in css_class.split():
            css_class += f" {extra}"
    widget.attrs["class"] = css_class


@register.simple_tag
def form_field(field: BoundField) -> SafeString:
    """The field as `{{ field|as_crispy_field }}` draws it with the bootstrap5 template pack:
    label, input, errors and hint in a `mb-3` block."""
    widget = field.field.widget
    attributes = _crispy_attributes(field.form)
    if attributes is None or field.is_hidden or isinstance(widget, _DRAWN_BY_CRISPY):
        return as_crispy_field(field)
    errors = field.errors
    required = field.field.required
    auto_id = _e(field.auto_id)
    _add_classes(
        widget,
        ("form-select" if isinstance(widget, forms.Select) else "form-control")
        + (" is-invalid" if errors else ""),
    )
    classes = field.css_classes()
    parts = [f'<div id="div_{auto_id}" class="mb-3{" " + _e(classes) if classes else ""}">']
    if field.label:
        label_for = field.id_for_label
        parts.append(
            f"<label{_label_for(label_for)} "
            f'class="form-label{" requiredField" if required else ""}">{_e(field.label)}'
            f"{_FIELD_ASTERISK if required else ''}</label>"
        )
    parts.append(_widget_html(field))
    help_inline = attributes.get("help_text_inline", False)
    errors_inline = attributes.get("error_text_inline", False)
    # Crispy marks the hint safe: a form's help text may carry markup.
    help_text = str(field.help_text)
    if help_text and help_inline and not errors_inline:
        parts.append(f'<span id="{auto_id}_helptext" class="form-text">{help_text}</span>')
    if errors:
        tag = "span" if errors_inline else "p"
        parts.append(f'<div id="{_e(errors.field_id)}_error" class="invalid-feedback">')
        parts.extend(
            f'<{tag} id="error_{number}_{auto_id}"><strong>{_e(error)}</strong></{tag}>'
            for number, error in enumerate(errors, start=1)
        )
        parts.append("</div>")
    if help_text and not help_inline:
        helptext_id = f'id="{auto_id}_helptext" ' if field.auto_id else ""
        parts.append(f'<div {helptext_id}class="form-text">{help_text}</div>')
    parts.append("</div>")
    return mark_safe("".join(parts))  # noqa: S308 (escaped above, but the hint, as crispy does)


def _label_for(label_for: str) -> str:
    return f' for="{_e(label_for)}"' if label_for else ""


# Django's own templates for the widgets `_widget_html` writes in Python (each of these input
# templates only includes input.html).
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in ("input", "text", "number", "date", "email", "url", "tel", "search")
)
_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
_TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def _attributes(attrs: dict) -> str:
    """Django's widgets/attrs.html: ` name="value"`, the name alone for True, nothing for False."""
    return "".join(
        f" {_e(name)}" if value is True else f' {_e(name)}="{_e(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _widget_html(field: BoundField) -> str:
    """`str(field)`: the input, select or text area as Django's own widget templates draw it
    (written here because those templates cost a text field's rendering most of its time);
    any other widget, or a form drawn by another renderer, through the widget itself."""
    widget = field.field.widget
    template_name = widget.template_name
    plain = (
        type(field.form.renderer) is DjangoTemplates
        and not field.field.show_hidden_initial
        and not field.field.localize
        and type(widget).render is forms.Widget.render
        and (
            template_name in _INPUT_TEMPLATES
            or template_name == _TEXTAREA_TEMPLATE
            or (
                template_name == _SELECT_TEMPLATE
                and widget.option_template_name == _OPTION_TEMPLATE
            )
        )
    )
    if not plain:
        return str(field)
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    name, value, attrs = _e(context["name"]), context["value"], _attributes(context["attrs"])
    if template_name == _TEXTAREA_TEMPLATE:
        return f'<textarea name="{name}"{attrs}>\n{_e(value) if value else ""}</textarea>'
    if template_name == _SELECT_TEMPLATE:
        return _select_html(name, attrs, context["optgroups"])
    shown = f' value="{_e(value)}"' if value is not None else ""
    return f'<input type="{_e(context["type"])}" name="{name}"{shown}{attrs}>'


def _select_html(name: str, attrs: str, optgroups) -> str:
    parts = [f'<select name="{name}"{attrs}>']
    for group_name, options, _index in optgroups:
        if group_name:
            parts.append(f'\n  <optgroup label="{_e(group_name)}">')
        parts.extend(
            f'\n  <option value="{_e(option["value"])}"{_attributes(option["attrs"])}>'
            f"{_e(option['label'])}</option>\n"
            for option in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


@register.simple_tag
def step_fields(form) -> SafeString:
    """Every question a step form asks this patient, as `{% crispy form %}` drew them: yes/no
    questions by `question`, the other fields by `form_field` (crispy's own field template)."""
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
        question(field) if isinstance(field.field.widget, RadioSelect) else form_field(field)
        for field in form.shown_fields()
    )
    return format_html("{}{}", summary, format_html_join("", "{}", ((field,) for field in fields)))
