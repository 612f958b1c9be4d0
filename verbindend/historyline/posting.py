"""Saving a drawn line and its moments from a request: JSON from the drawing, a form without it.

Shared by the history-line pages (a member's own line) and the live session's phones (a
participant's line), so both answer alike: JSON with a code and message for the script, a
redirect with messages without it.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from verbindend.core.errors import DomainError
from verbindend.historyline import services
from verbindend.historyline.forms import MomentForm
from verbindend.historyline.models import Exercise, Line


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "") or (
        request.content_type == "application/json"
    )


def _form_points(request: HttpRequest) -> list[list[str]]:
    """The keyboard table without JavaScript: repeated ``date`` and ``value`` fields."""
    dates, values = request.POST.getlist("date"), request.POST.getlist("value")
    return [[d, v] for d, v in zip(dates, values, strict=False) if d.strip() or v.strip()]


def handle_line_post(
    request: HttpRequest, *, exercise: Exercise, participant_key: str, next_url: str
) -> HttpResponse:
    """Save a line from JSON (the drawing) or a form (the table); a live view can call this too."""
    if request.content_type == "application/json":
        try:
            payload = json.loads(request.body or b"{}")
            points = payload.get("points") if isinstance(payload, dict) else None
        except (ValueError, UnicodeDecodeError):
            return json_error("bad_json", _("The line could not be read."))
    else:
        points = _form_points(request)
    try:
        line, cleaned = services.save_line(
            exercise=exercise, participant_key=participant_key, points=points
        )
    except DomainError as error:
        if wants_json(request):
            return json_error(error.code, str(error.message))
        raise
    if wants_json(request):
        return JsonResponse(
            {
                "ok": True,
                "pseudonym": line.pseudonym,
                "points": line.points,
                "notices": cleaned.notices,
            }
        )
    for notice in cleaned.notices:
        messages.info(request, notice)
    messages.success(request, _("Your line was saved."))
    return redirect(next_url)


def handle_moment_post(
    request: HttpRequest,
    *,
    exercise: Exercise,
    participant_key: str,
    page: Any,
) -> HttpResponse:
    """Add a moment to a participant's line; ``page`` re-renders the drawing page on errors."""
    form = MomentForm(request.POST)
    line = Line.objects.filter(exercise=exercise, participant_key=participant_key).first()
    if not form.is_valid() or line is None:
        if line is None:
            form.add_error(None, _("Draw and save the line first, then mark its moments."))
        if wants_json(request):
            return JsonResponse(
                {"ok": False, "code": "invalid", "errors": form.errors.get_json_data()},
                status=400,
            )
        return page(form)
    data = form.cleaned_data
    try:
        moment = services.add_moment(
            line=line,
            on=data["on"],
            value=data["value"],
            kind=data["kind"],
            title=data["title"],
            story=data["story"],
            answers=form.answers(),
            level=data["level"],
            principle=data["principle"],
            condition=data["condition"],
            knowledge=data["knowledge"],
        )
    except DomainError as error:
        if wants_json(request):
            return json_error(error.code, str(error.message))
        form.add_error(None, str(error.message))
        return page(form)
    if wants_json(request):
        return JsonResponse({"ok": True, "moment": moment.as_json()})
    messages.success(request, _("The moment was saved."))
    return page(None, redirect_only=True)


def json_error(code: str, message: str) -> JsonResponse:
    return JsonResponse({"ok": False, "code": code, "message": message}, status=400)
