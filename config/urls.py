"""Top-level URL map. Every page but sign-in requires a signed-in user (LoginRequiredMiddleware)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import benchmark

admin.site.site_header = "Upright clinical review"
admin.site.site_title = "Upright admin"
admin.site.index_title = "Clinical review"

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("patients/", include("patients.urls")),
    path("fhir/", include("fhir.urls")),
    path("", include("triage.urls")),
    path("admin/", admin.site.urls),
    # CDS Hooks: outside the staff sign-in; each call carries the EHR's signed JWT.
    path("", include("cdshooks.urls")),
    path("", include("operations.urls")),
]
if settings.UPRIGHT_BENCHMARK:
    # Benchmark-only (make bench-scale); the views also refuse to answer when the setting is off.
    urlpatterns += [
        path("bench/hello/", benchmark.hello, name="bench_hello"),
        path("bench/hello/anonymous/", benchmark.hello_anonymous, name="bench_hello_anonymous"),
    ]

# A database outage answers 503 with Retry-After; any other failure the plain 500 page.
handler500 = "config.errors.server_error"
