from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from verbindend.core import health, metrics, policy
from verbindend.core import home as home_tasks
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
    return render(
        request,
        "core/dashboard.html",
        {
            "tasks": home_tasks.tasks_for(request.user),
            "networks": networks,
            "studies": studies,
            "can_create_network": policy.can_create(request.user, "network"),
            "can_create_study": policy.can_create(request.user, "study"),
        },
    )


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
