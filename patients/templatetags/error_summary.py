"""The `error_links` filter behind the error summary at the top of every form page."""

from django import template

from patients.forms import error_links as _error_links

register = template.Library()


@register.filter
def error_links(form):
    """(anchor, label, message) for each of the form's errors."""
    return _error_links(form)
