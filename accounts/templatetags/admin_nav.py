"""`{% nav_app_list %}`: the admin's navigation sidebar, the HTML of Django's admin/app_list.html.

Every admin page lists, in its sidebar, each app and model the user may see (16 for an
administrator); through Django's template that was about 4 ms of a list page's 25-30 ms of
CPU (issue 12, admin lists). It is written here in Python instead: the same elements,
attributes and words (translated the same way), without the template's blank lines and
indentation. `tests/accounts/test_admin_nav.py` compares it with Django's template.
"""

from urllib.parse import quote

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


def _model_row(app_label: str, model: dict, path: str, add: str) -> str:
    name = conditional_escape(model["name"])
    model_name = conditional_escape(model["object_name"].lower())
    row_id = f"{app_label}-{model_name}"
    admin_url = model.get("admin_url")
    current = isinstance(admin_url, str) and admin_url in path
    if admin_url:
        aria_current = ' aria-current="page"' if current else ""
        shown = f'<a href="{conditional_escape(admin_url)}"{aria_current}>{name}</a>'
    else:
        shown = name
    if model.get("add_url"):
        add_cell = (
            f'<td><a href="{conditional_escape(model["add_url"])}" class="addlink"'
            f' aria-describedby="{row_id}">{add}</a></td>'
        )
    else:
        add_cell = "<td></td>"
    return (
        f'<tr class="model-{model_name}{" current-model" if current else ""}">'
        f'<th scope="row" id="{row_id}">{shown}</th>{add_cell}</tr>'
    )


@register.simple_tag(takes_context=True)
def nav_app_list(context, app_list) -> SafeString:
    """Django's app_list.html as the sidebar includes it (show_changelinks=False)."""
    if not app_list:
        return mark_safe(  # noqa: S308 (Django's own words)
            f"<p>{gettext('You don’t have permission to view or edit anything.')}</p>"
        )
    path = quote(context["request"].path)  # the template's `request.path|urlencode`
    headings = "".join(
        f'<th scope="col">{gettext(words)}</th>'
        for words in ("Model name", "Add link", "Change or view list link")
    )
    add = gettext("Add")
    parts = []
    for app in app_list:
        app_label = conditional_escape(app["app_label"])
        app_url = app["app_url"]
        name = conditional_escape(app["name"])
        title = gettext("Models in the %(name)s application") % {"name": name}
        current = " current-app" if isinstance(app_url, str) and app_url in path else ""
        parts.append(
            f'<div class="app-{app_label} module{current}"><table><caption>'
            f'<a href="{conditional_escape(app_url)}" class="section" title="{title}">{name}</a>'
            f'</caption><thead class="visually-hidden"><tr>{headings}</tr></thead>'
        )
        parts.extend(_model_row(app_label, model, path, add) for model in app["models"])
        parts.append("</table></div>")
    return mark_safe("\n".join(parts))  # noqa: S308 (every value escaped above)
