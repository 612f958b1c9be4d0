from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from verbindend.core import health, joining, metrics, nextpage, policy, scopes, throttle
from verbindend.core import home as home_tasks
from verbindend.core.errors import DomainError


@require_GET
@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    visible = {
        kind.name: kind.model.objects.visible_to(request.user)  # type: ignore[attr-defined]
        for kind in scopes.kinds()
    }
    return render(
        request,
        "core/dashboard.html",
        {
            "tasks": home_tasks.tasks_for(request.user),
            "networks": visible["network"],
            "studies": visible["study"],
            "can_create_network": policy.can_create(request.user, "network"),
            "can_create_study": policy.can_create(request.user, "study"),
        },
    )


@require_POST
@login_not_required
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers the choice for a logged-in user."""
    response = django_set_language(request)
    if response.has_header("Location") and not nextpage.safe_next(request, response["Location"]):
        response["Location"] = "/"  # Django lets an address like "::::" through as relative
    language = request.POST.get("language", "")
    user = request.user
    if user.is_authenticated and language in {"nl", "en"}:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return response


@require_GET
@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: this process answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})


@require_GET
@login_not_required
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database, Redis (when configured) and a background worker's heartbeat."""
    checks = health.readiness()
    ok = all(check["ok"] for check in checks.values())
    response = JsonResponse({"ok": ok, "checks": checks}, status=200 if ok else 503)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_not_required
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics; with METRICS_TOKEN set, only for ``Authorization: Bearer <token>``."""
    token = settings.METRICS_TOKEN
    if token and not constant_time_compare(
        request.headers.get("Authorization", ""), f"Bearer {token}"
    ):
        return HttpResponse(status=403)
    body, content_type = metrics.render()
    return HttpResponse(body, content_type=content_type, headers={"Cache-Control": "no-store"})


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

    def lookup() -> str:
        target = joining.resolve(request, normal)
        if not target:
            raise DomainError(
                "join.wrong_code",
                _("No open session has this code. Check it and try again."),
                status=404,
            )
        return target

    try:
        target = throttle.guard("join", throttle.client_address(request), normal, lookup)
    except DomainError as error:
        return render(
            request, "core/join.html", {"code": typed, "error": error}, status=error.status
        )
    return redirect(target)


def _is_page(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.func is not join
