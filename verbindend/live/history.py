"""The history line inside a live session: one exercise per history-line step, drawn on phones.

A step of kind ``history_line`` gets its own history-line :class:`Exercise` (``live_step_id``)
when it is created, and at the latest when it opens. Participants have no account: the same
token cookie as the live answers identifies them, and their line is keyed by a UUID derived
from their participant row, so each can only reach their own line. After a line or a moment is
saved, an event goes into the session's log, which wakes the wall's stream to redraw the step.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbindend.core.errors import DomainError
from verbindend.historyline import posting
from verbindend.historyline import services as historyline
from verbindend.historyline.forms import MomentForm
from verbindend.historyline.models import Exercise
from verbindend.live import engine
from verbindend.live.models import LiveSession, Participant, State, Step, StepKind

# Keys of live participants' lines: stable per participant, never the secret token.
KEY_NAMESPACE = uuid.UUID("8f1c3a52-6a57-4f0e-9d1e-6f1b0c7c2a11")
YEARS_BACK = 10


def participant_key(participant: Participant) -> str:
    return str(uuid.uuid5(KEY_NAMESPACE, f"live-participant:{participant.pk}"))


# -- the exercise of a step -----------------------------------------------------------------


def axis_start(session: LiveSession, today: date) -> date:
    """The network's founding date, or ten years back when it is unknown (or not in the past)."""
    founded = session.network.founded_on if session.network else None
    if founded and founded < today:
        return founded
    try:
        return today.replace(year=today.year - YEARS_BACK)
    except ValueError:  # 29 February
        return today.replace(year=today.year - YEARS_BACK, day=28)


def ensure_exercise(step: Step) -> Exercise | None:
    """The exercise of a history-line step, created the first time; None for other steps."""
    if step.kind != StepKind.HISTORY_LINE:
        return None
    with transaction.atomic():
        # Serialise two facilitators' clicks on the same step (a no-op lock on SQLite, whose
        # writes are serialised anyway).
        Step.objects.select_for_update().filter(pk=step.pk).first()
        found = Exercise.objects.filter(live_step_id=step.pk).first()
        if found is not None:
            return found
        session = step.session
        today = timezone.localdate()
        return historyline.create_exercise(
            scope=session.network or session.study,  # type: ignore[arg-type]
            title=session.title[:200],
            start_date=axis_start(session, today),
            end_date=today,
            live_step_id=step.pk,
            created_by=session.created_by,
        )


def ensure_exercises(session: LiveSession) -> None:
    for step in session.steps.filter(kind=StepKind.HISTORY_LINE):
        ensure_exercise(step)


def phone_context(participant: Participant, step: Step) -> dict[str, Any]:
    """What ``historyline/live_phone.html`` needs on top of the live phone's own context."""
    args = [participant.session.public_id, step.pk]
    return {
        "history_key": participant_key(participant),
        "save_url": reverse("live:history_line", args=args),
        "moment_url": reverse("live:history_moment", args=args),
    }


# -- the participant's endpoints ------------------------------------------------------------


def _refusal(request: HttpRequest, error: DomainError) -> HttpResponse:
    if posting.wants_json(request):
        return JsonResponse(
            {"ok": False, "code": error.code, "message": str(error.message)}, status=error.status
        )
    raise error


def _draw_target(
    request: HttpRequest, public_id: str, step_pk: int
) -> tuple[Participant, Exercise]:
    """The participant (by their cookie, as for live answers) and the exercise they may draw on."""
    participant = Participant.objects.select_related("session").by_cookie(
        request.COOKIES, public_id
    )
    if participant is None:
        raise DomainError("live.not_joined", _("Join the session with its code first."), status=403)
    session = participant.session
    if session.state == State.CLOSED:
        raise DomainError("live.closed", _("This session has ended."), status=410)
    if session.state != State.RUNNING:
        raise DomainError("live.not_running", _("The session has not started yet."), status=409)
    step = Step.objects.filter(pk=step_pk, session=session, kind=StepKind.HISTORY_LINE).first()
    if step is None:
        raise DomainError(
            "live.unknown_step", _("This question is not part of the session."), status=404
        )
    if step.locked:
        raise DomainError("live.locked", _("This question is closed; answers are no longer taken."))
    exercise = Exercise.objects.filter(live_step_id=step.pk).first()
    if exercise is None:
        raise DomainError(
            "live.no_history_line", _("This step has no history line yet."), status=404
        )
    return participant, exercise


def _announce(session: LiveSession, step_pk: int, what: str) -> None:
    """Wake the wall: an event in the session's log, published after commit like any other."""
    engine.record_event(
        session, "history_line", {"type": "history_line", "step": step_pk, "what": what}
    )


@login_not_required
@require_POST
def save_line(request: HttpRequest, public_id: str, step_pk: int) -> HttpResponse:
    try:
        participant, exercise = _draw_target(request, public_id, step_pk)
    except DomainError as error:
        return _refusal(request, error)
    response = posting.handle_line_post(
        request,
        exercise=exercise,
        participant_key=participant_key(participant),
        next_url=reverse("live:phone", args=[public_id]),
    )
    if response.status_code < 400:
        _announce(participant.session, step_pk, "line")
    return response


@login_not_required
@require_POST
def add_moment(request: HttpRequest, public_id: str, step_pk: int) -> HttpResponse:
    try:
        participant, exercise = _draw_target(request, public_id, step_pk)
    except DomainError as error:
        return _refusal(request, error)

    saved = []

    def page(form: MomentForm | None, redirect_only: bool = False) -> HttpResponse:
        # Without JavaScript: back to the phone page, with what went wrong on top.
        if redirect_only or form is None:
            saved.append(True)
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
        return redirect("live:phone", public_id)

    response = posting.handle_moment_post(
        request, exercise=exercise, participant_key=participant_key(participant), page=page
    )
    if saved or response.status_code == 200:
        _announce(participant.session, step_pk, "moment")
    return response
