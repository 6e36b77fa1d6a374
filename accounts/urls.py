"""Sign-in and sign-out (Django's own views with our templates in templates/registration/),
and the session clock behind the sign-out warning."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("session/", views.session_status, name="session_status"),
    path("session/stay/", views.stay_signed_in, name="session_stay"),
]
