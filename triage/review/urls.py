"""Review pages (included into the `triage` namespace by triage/urls.py)."""

from django.urls import path

from triage.review import views

urlpatterns = [
    path(
        "recommendations/<int:pk>/feedback/",
        views.recommendation_feedback,
        name="recommendation_feedback",
    ),
]
