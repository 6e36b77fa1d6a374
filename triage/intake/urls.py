"""Intake pages (included into the `triage` namespace by triage/urls.py)."""

from django.urls import path

from triage.intake import views

urlpatterns = [
    path("intake/new/", views.intake_new, name="intake_new"),
    path("intake/drafts/", views.intake_drafts, name="intake_drafts"),
    path("intake/<uuid:token>/review/", views.intake_review, name="intake_review"),
    path("intake/<uuid:token>/submit/", views.intake_submit, name="intake_submit"),
    path("intake/<uuid:token>/discard/", views.intake_discard, name="intake_discard"),
    path("intake/<uuid:token>/<slug:step>/", views.intake_step, name="intake_step"),
    path("encounters/<int:pk>/care-plan/", views.care_plan, name="care_plan"),
    path("encounters/<int:pk>/handout/", views.handout, name="handout"),
]
