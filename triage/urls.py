from django.urls import path

from . import followup_views, intake_views, views

app_name = "triage"

urlpatterns = [
    path("", views.home, name="home"),
    # Intake (issue 4)
    path("intake/new/", intake_views.intake_new, name="intake_new"),
    path("intake/drafts/", intake_views.intake_drafts, name="intake_drafts"),
    path("intake/<uuid:token>/review/", intake_views.intake_review, name="intake_review"),
    path("intake/<uuid:token>/submit/", intake_views.intake_submit, name="intake_submit"),
    path("intake/<uuid:token>/discard/", intake_views.intake_discard, name="intake_discard"),
    path("intake/<uuid:token>/<slug:step>/", intake_views.intake_step, name="intake_step"),
    path("encounters/<int:pk>/care-plan/", intake_views.care_plan, name="care_plan"),
    path("encounters/<int:pk>/handout/", intake_views.handout, name="handout"),
    # Follow-up (issue 5)
    path("follow-ups/<int:pk>/", followup_views.followup_detail, name="followup_detail"),
    path("follow-ups/<int:pk>/record/", followup_views.record_visit, name="followup_record"),
    path("follow-ups/<int:pk>/missed/", followup_views.record_missed, name="followup_missed"),
    path("encounters/<int:encounter_pk>/visits/new/", followup_views.add_visit, name="visit_add"),
    path("escalations/<int:pk>/", followup_views.close_escalation, name="escalation_close"),
    path("outcomes/", followup_views.outcomes, name="outcomes"),
]
