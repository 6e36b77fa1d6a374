"""Sign-off and void in the admin: the bulk actions, the buttons on a record, the reason form.

The admin classes only collect the request; the writes are the services in `review.py`, which
check the permission again so no path can skip it.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from triage.review import services as review
from triage.review.display import record_label


class VoidReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason for voiding",
        max_length=review.VOID_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=(
            "Say what was mistaken, e.g. 'entered on the wrong patient'. The record stays "
            "visible, marked as voided, and leaves the worklists and the outcome figures."
        ),
    )


class NamedRecordAdminMixin:
    """Page titles and breadcrumbs name the patient ("OKAFOR, Chidi (MRN-1), intake of ..."),
    where Django would use `__str__` (kept free of names because logs see it)."""

    change_form_template = "admin/review/change_form.html"
    object_history_template = "admin/review/object_history.html"

    def record_context(self, request, record) -> dict:
        label = record_label(record)
        return {"subtitle": label, "record_label": label}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The page's own object: naming it costs no query of its own.
        if obj is not None:
            context.update(self.record_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def render_history_view(self, request, template, context, **kwargs):
        # Also renders one past version (history_form_view), whose context has no "object".
        if "object" in context:
            context["record_label"] = record_label(context["object"])
        return super().render_history_view(request, template, context, **kwargs)

    def history_view_title(self, request, obj):
        return f"History of {record_label(obj)}"


class ReviewPanelMixin(NamedRecordAdminMixin):
    """Adds a review panel (state and buttons) above the read-only record page."""

    def review_context(self, request, record) -> dict:
        return {}

    def admin_url(self, view: str, *args) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}", args=args)

    def record_context(self, request, record) -> dict:
        return {
            **super().record_context(request, record),
            "review": self.review_context(request, record),
        }

    def get_record_or_404(self, request, object_id):
        record = self.get_object(request, unquote(object_id))
        if record is None:
            raise Http404(f"No {self.opts.verbose_name} with that id.")
        return record


class VoidAdminMixin(ReviewPanelMixin):
    """A "void" action with an intermediate reason page, and a "Void" button on each record."""

    def void_record(self, *, record, user, reason: str, now) -> bool:
        raise NotImplementedError

    def has_void_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(review.VOID_PERMISSION)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_void"
        own = [
            path("<path:object_id>/void/", self.admin_site.admin_view(self.void_view), name=name)
        ]
        return own + super().get_urls()

    def review_context(self, request, record) -> dict:
        context = super().review_context(request, record)
        if record.voided_at is None and self.has_void_permission(request, record):
            context["void_url"] = self.admin_url("void", record.pk)
        return context

    @admin.action(
        permissions=["void"], description="Void selected %(verbose_name_plural)s (asks why)"
    )
    def void_selected(self, request, queryset):
        form = VoidReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._void_all(request, list(queryset), form.cleaned_data["reason"])
            return None
        records = list(queryset)
        response = self._void_page(request, records=records, form=form, from_action=True)
        # The reason page names each record's patient: log them like the list's own page.
        log_shown = getattr(self, "log_records_shown", None)
        return log_shown(request, records, response, " void") if log_shown else response

    def void_view(self, request, object_id):
        record = self.get_record_or_404(request, object_id)
        if not self.has_void_permission(request, record):
            raise PermissionDenied
        change_url = self.admin_url("change", record.pk)
        if record.voided_at is not None:
            self.message_user(request, f"{record_label(record)} was already voided.", messages.INFO)
            return HttpResponseRedirect(change_url)
        form = VoidReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            self._void_all(request, [record], form.cleaned_data["reason"])
            return HttpResponseRedirect(self.after_void_url(record))
        response = self._void_page(request, records=[record], form=form, from_action=False)
        # The void page names the patient: log it like the record's own page.
        log_opened = getattr(self, "_log_opened", None)
        return log_opened(request, object_id, response, " void") if log_opened else response

    def after_void_url(self, record) -> str:
        return self.admin_url("change", record.pk)

    def _void_all(self, request, records, reason: str) -> None:
        now = timezone.now()
        voided = sum(
            self.void_record(record=record, user=request.user, reason=reason, now=now)
            for record in records
        )
        skipped = len(records) - voided
        if voided == 1 and len(records) == 1:
            self.message_user(request, f"Voided {record_label(records[0])}.", messages.SUCCESS)
        else:
            noun = self.opts.verbose_name if voided == 1 else self.opts.verbose_name_plural
            self.message_user(request, f"Voided {voided} {noun}.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"{skipped} already voided, left as they were.", messages.WARNING
            )

    def _void_page(self, request, *, records, form, from_action: bool):
        context = {
            **self.admin_site.each_context(request),
            "title": (
                f"Void {self.opts.verbose_name_plural}"
                if len(records) > 1
                else f"Void {record_label(records[0])}"
            ),
            "opts": self.opts,
            "records": records,
            "labelled_records": [(record, record_label(record)) for record in records],
            "form": form,
            "from_action": from_action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "cancel_url": (
                self.admin_url("changelist")
                if from_action
                else self.admin_url("change", records[0].pk)
            ),
        }
        return TemplateResponse(request, "admin/review/void.html", context)


class SignOffAdminMixin(ReviewPanelMixin):
    """A "sign off" action on the list and a "Sign off" button on each encounter."""

    def has_sign_off_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(review.SIGN_OFF_PERMISSION)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_sign_off"
        view = self.admin_site.admin_view(require_POST(self.sign_off_view))
        return [path("<path:object_id>/sign-off/", view, name=name), *super().get_urls()]

    def after_sign_off_url(self, encounter) -> str:
        return self.admin_url("change", encounter.pk)

    def review_context(self, request, record) -> dict:
        context = super().review_context(request, record)
        context["shows_review_state"] = True
        if (
            record.reviewed_at is None
            and record.voided_at is None
            and self.has_sign_off_permission(request, record)
        ):
            context["sign_off_url"] = self.admin_url("sign_off", record.pk)
        return context

    @admin.action(permissions=["sign_off"], description="Sign off selected encounters")
    def sign_off_selected(self, request, queryset):
        now = timezone.now()
        signed = refused = 0
        for encounter in queryset:
            try:
                signed += review.sign_off_encounter(encounter=encounter, user=request.user, now=now)
            except review.ReviewError:
                refused += 1
        self.message_user(request, f"Signed off {signed} encounter(s).", messages.SUCCESS)
        if refused:
            self.message_user(
                request, f"{refused} voided or unsubmitted, not signed off.", messages.WARNING
            )

    def sign_off_view(self, request, object_id):
        encounter = self.get_record_or_404(request, object_id)
        if not self.has_sign_off_permission(request, encounter):
            raise PermissionDenied
        try:
            signed = review.sign_off_encounter(
                encounter=encounter, user=request.user, now=timezone.now()
            )
        except review.ReviewError as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return HttpResponseRedirect(self.admin_url("change", encounter.pk))
        if signed:
            self.message_user(request, f"Signed off {record_label(encounter)}.", messages.SUCCESS)
        else:
            self.message_user(
                request, f"{record_label(encounter)} was already signed off.", messages.INFO
            )
        return HttpResponseRedirect(self.after_sign_off_url(encounter))
