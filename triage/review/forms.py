"""The clinician's mark on one recommendation of a stored plan."""

from django import forms

from triage.models import FeedbackOutcome, OverrideReason


def feedback_prefix(recommendation_pk: int) -> str:
    """Each recommendation's form on the plan page has its own field names and ids."""
    return f"feedback-{recommendation_pk}"


class RecommendationFeedbackForm(forms.Form):
    outcome = forms.ChoiceField(choices=FeedbackOutcome.choices, widget=forms.RadioSelect)
    reason = forms.ChoiceField(
        label="Reason for overriding",
        choices=[("", "Choose a reason"), *OverrideReason.choices],
        required=False,
    )
    reason_text = forms.CharField(label="Reason, in words", max_length=500, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") != FeedbackOutcome.OVERRIDDEN:
            return cleaned
        if not cleaned.get("reason"):
            self.add_error("reason", "Choose why the recommendation was overridden.")
        elif (
            cleaned["reason"] == OverrideReason.OTHER and not cleaned.get("reason_text", "").strip()
        ):
            self.add_error("reason_text", "Say in words why it was overridden.")
        return cleaned
