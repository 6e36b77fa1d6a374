"""Sign-in and sign-out (Django's own views with our templates in templates/registration/),
the second factor, and the session clock behind the sign-out warning."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("second-factor/", views.second_factor_verify, name="second_factor"),
    path("second-factor/enrol/", views.second_factor_enrol, name="second_factor_enrol"),
    path("second-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("session/", views.session_status, name="session_status"),
    path("session/stay/", views.stay_signed_in, name="session_stay"),
]
