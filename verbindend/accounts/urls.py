from collections.abc import Callable
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path, reverse_lazy

from verbindend.accounts import views

app_name = "accounts"


def public(view: Callable[..., Any]) -> Callable[..., Any]:
    return login_not_required(view)


urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.twofactor_verify, name="twofactor_verify"),
    path("logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("two-factor/", views.twofactor_setup, name="twofactor_setup"),
    path("two-factor/off/", views.twofactor_disable, name="twofactor_disable"),
    path("invitation/<str:token>/", views.accept, name="accept"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        public(
            auth_views.PasswordResetDoneView.as_view(
                template_name="accounts/password_reset_done.html"
            )
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        public(
            auth_views.PasswordResetConfirmView.as_view(
                template_name="accounts/password_reset_confirm.html",
                success_url=reverse_lazy("accounts:password_reset_complete"),
            )
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        public(
            auth_views.PasswordResetCompleteView.as_view(
                template_name="accounts/password_reset_complete.html"
            )
        ),
        name="password_reset_complete",
    ),
]
