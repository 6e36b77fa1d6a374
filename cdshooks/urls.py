"""CDS Hooks 2.0 endpoints at the site root (`/cds-services...`), as the specification says."""

from django.urls import path, re_path

from . import report_views, views

app_name = "cdshooks"

urlpatterns = [
    path("cds-services", views.discovery, name="discovery"),
    path("cds-services/<str:service_id>", views.call_service, name="service"),
    path("cds-services/<str:service_id>/feedback", views.feedback, name="feedback"),
    re_path(r"^cds-services/(?P<rest>.*)$", views.not_found),
    # The per-rule report for clinicians (behind the staff sign-in like every other page).
    path("reports/rule-feedback/", report_views.rule_feedback, name="rule_feedback"),
    path("reports/rule-feedback.csv", report_views.rule_feedback_csv, name="rule_feedback_csv"),
]
