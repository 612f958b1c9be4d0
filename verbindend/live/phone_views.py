"""The participants' pages: joining by code, the phone, its answers and the slide pictures.

No account is needed: a token in a cookie per session identifies the phone.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import select_template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from verbindend.core import policy, throttle
from verbindend.core.errors import DomainError
from verbindend.live import history, services, submissions, synthesis
from verbindend.live.forms import (
    CodeForm,
    JoinForm,
)
from verbindend.live.models import (
    Contribution,
    LiveSession,
    Participant,
    SlideImage,
    State,
    StepKind,
    cookie_name,
)
from verbindend.method import content

COOKIE_AGE = 12 * 3600


@login_not_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """Name (optional) and, when the session asks for it, organisation; a known phone or account
    goes straight back to its own place."""
    code = (request.POST.get("code") or request.GET.get("code") or "").strip()
    if not code:
        return redirect("core:join")
    try:
        session = services.find_by_code(code=code, address=throttle.client_address(request))
    except DomainError as error:
        return render(
            request,
            "live/join.html",
            {"code_form": CodeForm(initial={"code": code}), "error": error},
            status=error.status,
        )
    user = request.user
    known = _participant(request, session.public_id)
    if known is None and user.is_authenticated:
        known = session.participants.filter(user=user).order_by("joined_at").first()
    if known is not None:
        return _enter_phone(request, session, known)
    organisations = services.organisation_choices(session)
    networks = services.network_choices(session)
    initial_name = user.get_full_name() if user.is_authenticated else ""
    form = JoinForm(
        request.POST if "details" in request.POST else None,
        organisations=organisations,
        networks=networks,
        initial={"code": session.join_code, "display_name": initial_name},
    )
    if "details" in request.POST and form.is_valid():
        participant = services.join(
            session=session,
            display_name=form.cleaned_data["display_name"],
            organisation=form.cleaned_data.get("organisation"),
            network=form.cleaned_data.get("network"),
            user=user,
        )
        return _enter_phone(request, session, participant)
    return render(request, "live/join.html", {"session": session, "form": form})


def _enter_phone(
    request: HttpRequest, session: LiveSession, participant: Participant
) -> HttpResponse:
    response = redirect("live:phone", session.public_id)
    response.set_cookie(
        cookie_name(session.public_id),
        participant.token,
        max_age=COOKIE_AGE,
        path="/live/",
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


def _participant(request: HttpRequest, public_id: str) -> Participant | None:
    return Participant.objects.select_related(
        "session__current_step", "session__network"
    ).by_cookie(request.COOKIES, public_id)


def _phone_context(participant: Participant) -> dict[str, Any]:
    session = participant.session
    step = session.current_step
    context: dict[str, Any] = {
        "session": session,
        "participant": participant,
        "step": step,
        "client_id": uuid.uuid4(),
        "closed": session.state == State.CLOSED,
    }
    if step is None or session.state != State.RUNNING:
        return context
    spec = step.spec
    mine = list(
        Contribution.objects.filter(step=step, participant=participant).order_by("sequence")
    )
    context.update(
        prompt=synthesis.step_prompt(step),
        node=content.get(step.content_key) if step.content_key else None,
        kind=spec,
        mine=mine,
        answered=len(mine),
        **spec.phone_context(step, participant, mine),
    )
    if step.kind == StepKind.HISTORY_LINE:
        context["history_template"] = select_template(
            ["historyline/live_phone.html", "live/history_placeholder.html"]
        )
        context.update(history.phone_context(participant, step))
    return context


@login_not_required
@require_GET
def phone(request: HttpRequest, public_id: str) -> HttpResponse:
    participant = _participant(request, public_id)
    if participant is None:
        session = get_object_or_404(LiveSession, public_id=public_id)
        if session.state == State.CLOSED:
            return render(request, "live/phone.html", {"session": session, "closed": True})
        return redirect(reverse("live:join") + f"?code={session.join_code}")
    return render(request, "live/phone.html", _phone_context(participant))


@login_not_required
@require_GET
def phone_step(request: HttpRequest, public_id: str) -> HttpResponse:
    participant = _participant(request, public_id)
    if participant is None:
        raise Http404
    return render(request, "live/phone.html#step", _phone_context(participant))


@login_not_required
@require_POST
def phone_answer(request: HttpRequest, public_id: str) -> HttpResponse:
    """The same answer without JavaScript: a plain form post."""
    participant = _participant(request, public_id)
    if participant is None:
        raise Http404
    step = participant.session.current_step
    raw = str(request.POST.get("step", ""))
    if step is None or not raw.isascii() or not raw.isdigit() or int(raw) != step.pk:
        raise DomainError(
            "live.not_current",
            _("This question is no longer open. Your screen now shows the current one."),
            status=409,
        )
    for item in submissions.from_form(request.POST, public_id, step, token=participant.token):
        services.submit_now(item)
    messages.success(request, _("Your answer was saved."))
    return redirect("live:phone", public_id)


@login_not_required
@require_GET
def slide_picture(request: HttpRequest, public_id: str, step: int) -> HttpResponse:
    """A slide's picture, for the phones of this session and for those who may see the session."""
    session = get_object_or_404(LiveSession, public_id=public_id)
    if _participant(request, public_id) is None and not policy.can(
        request.user, "sessions.view", session
    ):
        raise Http404
    picture = get_object_or_404(SlideImage, step__session=session, step__pk=step)
    response = HttpResponse(bytes(picture.data), content_type=picture.content_type)
    response["Cache-Control"] = "private, max-age=86400"
    return response
