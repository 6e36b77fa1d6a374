"""The clinical workflow's pages, in one namespace: intake, then follow-up."""

from django.urls import path

from triage.followup import urls as followup_urls
from triage.followup import views as followup_views
from triage.intake import urls as intake_urls
from triage.review import urls as review_urls

app_name = "triage"

urlpatterns = [
    path("", followup_views.home, name="home"),
    path("patients/<int:pk>/", followup_views.patient_chart, name="patient_chart"),
    *intake_urls.urlpatterns,
    *followup_urls.urlpatterns,
    *review_urls.urlpatterns,
]
