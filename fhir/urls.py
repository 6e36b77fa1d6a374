from django.urls import path, re_path

from . import views

app_name = "fhir"

urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("Patient", views.patient_search, name="patient_search"),
    path("Patient/<str:resource_id>", views.patient_read, name="patient_read"),
    path("Patient/<str:resource_id>/$everything", views.patient_everything, name="everything"),
    path("AuditEvent", views.audit_event_search, name="audit_events"),
    path("Questionnaire/<str:resource_id>", views.questionnaire_read, name="questionnaire"),
    path("PlanDefinition/<str:resource_id>", views.plan_definition_read, name="plan_definition"),
    path("CodeSystem/<str:resource_id>", views.code_system_read, name="code_system"),
    # Anything else under /fhir/ answers a FHIR 404, never the app's HTML page.
    re_path(r"^(?P<rest>.*)$", views.unknown, name="unknown"),
]
