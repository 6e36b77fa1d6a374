"""Follow-up pages (included into the `triage` namespace by triage/urls.py)."""

from django.urls import path

from triage.followup import views

urlpatterns = [
    path("follow-ups/<int:pk>/", views.followup_detail, name="followup_detail"),
    path("follow-ups/<int:pk>/record/", views.record_visit, name="followup_record"),
    path("follow-ups/<int:pk>/missed/", views.record_missed, name="followup_missed"),
    path("encounters/<int:encounter_pk>/visits/new/", views.add_visit, name="visit_add"),
    path("escalations/<int:pk>/", views.close_escalation, name="escalation_close"),
    path(
        "encounters/<int:pk>/conservative-plan/",
        views.conservative_plan,
        name="conservative_plan",
    ),
    path("outcomes/", views.outcomes, name="outcomes"),
]
