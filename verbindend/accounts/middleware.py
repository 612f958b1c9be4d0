"""A logged-in user's preferred language, and the site's two-factor rule."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from verbindend.core import policy


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        language = getattr(user, "preferred_language", "")
        if user.is_authenticated and language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """Where the site requires it, coordinators and researchers must log in with a second factor."""

    EXEMPT_PREFIXES = ("/accounts/", "/static/", "/language/", "/healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.REQUIRE_2FA_FOR
            and user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and policy.has_role_anywhere(user, settings.REQUIRE_2FA_FOR)
        ):
            return redirect(reverse("accounts:twofactor_setup") + "?required=1")
        return self.get_response(request)
