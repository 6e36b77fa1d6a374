"""Clinician review pages outside the admin: marking a recommendation followed or overridden."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from triage.models import FeedbackOutcome, Recommendation
from triage.review import services
from triage.review.forms import RecommendationFeedbackForm, feedback_prefix


def _shown_on(recommendation: Recommendation) -> str:
    """The page the recommendation is shown on, at the recommendation itself."""
    if recommendation.care_plan_id is not None:
        page = reverse("triage:care_plan", args=[recommendation.care_plan.encounter_id])
    else:
        page = reverse("triage:followup_detail", args=[recommendation.visit.follow_up_id])
    return f"{page}#recommendation-{recommendation.pk}"


@require_POST
@permission_required(services.FEEDBACK_PERMISSION, raise_exception=True)
def recommendation_feedback(request, pk):
    """Mark one stored recommendation followed, or overridden with a coded reason."""
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("care_plan", "visit"), pk=pk
    )
    form = RecommendationFeedbackForm(request.POST, prefix=feedback_prefix(pk))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_shown_on(recommendation))
    try:
        services.record_recommendation_feedback(
            recommendation=recommendation,
            user=request.user,
            now=timezone.now(),
            **form.cleaned_data,
        )
    except services.ReviewError as error:
        messages.error(request, str(error))
    else:
        outcome = FeedbackOutcome(form.cleaned_data["outcome"]).label.lower()
        messages.success(request, f"Recorded: {outcome}.")
    return redirect(_shown_on(recommendation))
