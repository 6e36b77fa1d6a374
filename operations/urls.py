from django.urls import path

from . import health

app_name = "operations"

urlpatterns = [
    path("health/", health.health, name="health"),
]
