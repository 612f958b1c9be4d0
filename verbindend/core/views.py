from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from verbindend.core import home as home_tasks
from verbindend.core import policy
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
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})
