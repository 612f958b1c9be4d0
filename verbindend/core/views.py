from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from verbindend.core import joining, throttle
from verbindend.core.errors import DomainError
from verbindend.networks.models import Network
from verbindend.studies.models import Study


@require_GET
@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    networks = Network.objects.visible_to(request.user)  # type: ignore[arg-type]
    studies = Study.objects.visible_to(request.user)  # type: ignore[arg-type]
    return render(request, "core/dashboard.html", {"networks": networks, "studies": studies})


@require_POST
@login_not_required
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers the choice for a logged-in user."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if user.is_authenticated and language in {"nl", "en"}:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return response


@require_GET
@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})


def normalise_code(raw: str) -> str:
    """What people type or scan: any case, with spaces or dashes; only letters and digits count."""
    return "".join(ch for ch in raw.upper() if ch.isascii() and ch.isalnum())[:16]


@login_not_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, code: str = "") -> HttpResponse:
    """The one join box: `/join/`, `/j/<CODE>` and `/<CODE>` ask every app that hands out codes."""
    typed = code or request.POST.get("code") or request.GET.get("code") or ""
    if code and not request.path.endswith("/") and _is_page(request.path + "/"):
        return HttpResponseRedirect(request.path + "/")  # `/method` is a page, not a code
    normal = normalise_code(typed)
    if not normal:
        return render(request, "core/join.html", {"code": ""})
    address = throttle.client_address(request)
    try:
        throttle.check("join", address)
    except DomainError as error:
        return render(
            request, "core/join.html", {"code": typed, "error": error}, status=error.status
        )
    target = joining.resolve(request, normal)
    if target:
        return redirect(target)
    throttle.fail("join", address)
    unknown = DomainError(
        "join.wrong_code", _("No open session has this code. Check it and try again."), status=404
    )
    return render(request, "core/join.html", {"code": typed, "error": unknown}, status=404)


def _is_page(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.func is not join
