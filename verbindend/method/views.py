from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from verbindend.method import content


@require_GET
@login_not_required
def guide(request: HttpRequest) -> HttpResponse:
    """The public guide's overview: the five principles with all their reflection items."""
    return render(
        request,
        "method/guide.html",
        {"principles": content.of_kind("principle"), "version": content.version()},
    )
