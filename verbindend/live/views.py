"""Live screens: sessions list, console, wall, phone, join; all logic sits in services/engine."""

from __future__ import annotations

import io
from typing import Any

import segno
from asgiref.sync import sync_to_async
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import select_template
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from verbindend.accounts.models import User
from verbindend.core import policy, scopes, validation
from verbindend.core.errors import DomainError
from verbindend.live import (
    blueprints,
    engine,
    kinds,
    services,
    slides,
    submissions,
    synthesis,
)
from verbindend.live.access import session_for
from verbindend.live.forms import (
    CreateForm,
    DetailsForm,
    EnterForm,
    InviteForm,
    StepForm,
    ThemeForm,
)
from verbindend.live.models import (
    TEXT_KINDS,
    Contribution,
    LiveSession,
    State,
    Step,
    StepKind,
    Theme,
)
from verbindend.method import content

# -- lists and creation ---------------------------------------------------------------------


@require_GET
def sessions(request: HttpRequest, slug: str, scope: str) -> HttpResponse:
    owner = policy.fetch_scope(request.user, scope, slug, "sessions.view")
    found = LiveSession.objects.of(owner).order_by("-created_at")
    return render(
        request,
        "live/list.html",
        {
            **scopes.context(scope, owner),
            "sessions": found[:100],
            "can_run": policy.can(request.user, "sessions.run", owner),
            "blueprints": blueprints.for_scope(scope),
        },
    )


@require_POST
def create(request: HttpRequest, slug: str, scope: str) -> HttpResponse:
    owner = policy.fetch_scope(request.user, scope, slug, "sessions.run")
    form = CreateForm(request.POST)
    if not form.is_valid():
        raise DomainError("live.bad_template", _("Choose one of the session templates."))
    session = services.create_session(
        creator=request.user,  # type: ignore[arg-type]
        template=form.cleaned_data["template"],
        **LiveSession.owned_by(owner),
        title=form.cleaned_data["title"],
        principles=form.principle_list(),
    )
    messages.success(request, _("The session was created. Check its steps, then start it."))
    return redirect("live:steps", session.pk)


@require_POST
def duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for(request, pk)
    copy = services.duplicate_session(session=session, creator=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The session was copied with its steps."))
    return redirect("live:steps", copy.pk)


# -- steps ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def steps(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for(request, pk)
    form = StepForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        action = request.POST.get("action", "add")
        if action == "add" and form.is_valid():
            lines = [x.strip() for x in form.cleaned_data["options"].splitlines() if x.strip()]
            kind = form.cleaned_data["kind"]
            upload = form.cleaned_data.get("picture") if kinds.get(kind).takes_picture else None
            options = kinds.get(kind).options_from_form(form.cleaned_data, lines)
            services.add_step(
                session=session,
                kind=kind,
                prompt=form.cleaned_data["prompt"],
                options=options,
                picture=slides.prepare(upload, upload.size) if upload else None,
            )
            return redirect("live:steps", session.pk)
        if action == "rename":
            details = DetailsForm(request.POST)
            if not details.is_valid():
                raise DomainError("live.details", _("Give a title and a valid date."))
            services.describe_session(
                session=session,
                title=details.cleaned_data["title"],
                planned_for=details.cleaned_data["planned_for"],
            )
            messages.success(request, _("The title and date were saved."))
            return redirect("live:steps", session.pk)
        if action == "edit":
            step = _step_of(session, request.POST.get("step", ""))
            services.edit_step(
                step=step,
                prompt=request.POST.get("prompt", ""),
                alone_first=request.POST.get("alone_first") == "on",
            )
            messages.success(request, _("The step was changed."))
            return redirect("live:steps", session.pk)
        if action in ("up", "down", "delete"):
            step = _step_of(session, request.POST.get("step", ""))
            if action == "delete":
                services.delete_step(step=step)
            else:
                services.move_step(step=step, up=action == "up")
            return redirect("live:steps", session.pk)
    return render(
        request,
        "live/steps.html",
        {
            "session": session,
            "steps": _step_rows(session),
            "form": form,
            "details": DetailsForm(
                initial={"title": session.title, "planned_for": session.planned_for}
            ),
        },
    )


def _step_of(session: LiveSession, raw: str) -> Step:
    """The session's step named in a form; anything else (including non-numbers) is a 404."""
    pk = validation.ascii_int(raw, default=-1)
    if pk < 0:
        raise Http404
    return get_object_or_404(Step, session=session, pk=pk)


def _step_rows(session: LiveSession) -> list[dict[str, Any]]:
    return [
        {"step": s, "prompt": synthesis.step_prompt(s)}
        for s in session.steps.order_by("order", "pk")
    ]


@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for(request, pk)
    form = InviteForm(request.POST)
    user = (
        User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if form.is_valid()
        else None
    )
    if user is None:
        raise DomainError("live.unknown_user", _("Nobody with this email has an account here."))
    services.invite_co_facilitator(session=session, user=user)
    messages.success(request, _("%(name)s can now co-facilitate this session.") % {"name": user})
    return redirect("live:steps", session.pk)


# -- console ----------------------------------------------------------------------------------


@require_GET
def console(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for(request, pk)
    return render(request, "live/console.html", _console_context(session))


@require_GET
def console_panel(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for(request, pk)
    return render(request, "live/console.html#panel", _console_context(session))


def _console_context(session: LiveSession) -> dict[str, Any]:
    step = session.current_step
    contributions = (
        list(services.visible_contributions(session).filter(step=step).order_by("-sequence")[:300])
        if step
        else []
    )
    for c in contributions:  # what the facilitator reads: labels, never stored values or keys
        c.label = c.step.spec.answer_label(c.step, c)
        c.tag_labels = [synthesis.tag_label(t) for t in c.tags]
    letters = (
        Contribution.objects.filter(step=step, shared=False).count()
        if step and step.kind == StepKind.FAREWELL_LETTER
        else 0
    )
    return {
        "session": session,
        "step": step,
        "prompt": synthesis.step_prompt(step) if step else "",
        "steps": _step_rows(session),
        "contributions": contributions,
        "private_letters": letters,
        "answers": Contribution.objects.filter(step=step).count() if step else 0,
        "themes": session.themes.all(),
        "tags": services.tag_choices(),
        "participants": session.participants.order_by("-joined_at")[:50],
        "participant_count": session.participants.count(),
        "connected": engine.broker().count(session.pk, phones=True),
        "kind": step.spec if step else None,
        "entry": _entry_context(step) if step and session.state == State.RUNNING else None,
        "enter_form": EnterForm(),
        "theme_form": ThemeForm(),
        "results": _results(step) if step and _has_results(step) else [],
        "text_kinds": TEXT_KINDS,
    }


def _has_results(step: Step) -> bool:
    return step.spec.counted or step.kind in synthesis.COUNTED_TOO


def _results(step: Step) -> list[dict[str, Any]]:
    """Counted results as rows for the bar partial: label, count, and the bar's share."""
    pairs = list(step.spec.results(step, list(step.contributions.filter(hidden=False))))
    top = max([n for _l, n in pairs] or [0])
    return [
        {
            "label": label,
            "count": n,
            "share": round(100 * n / top) if top else 0,
            "top": n == top > 0,
        }
        for label, n in pairs
    ]


CONTROLS = {
    "start": lambda s, r: services.start(session=s),
    "next": lambda s, r: services.go(session=s, forward=True),
    "back": lambda s, r: services.go(session=s, forward=False),
    "reveal": lambda s, r: services.set_step_flag(step=_current(s), flag="revealed", value=True),
    "hide": lambda s, r: services.set_step_flag(step=_current(s), flag="revealed", value=False),
    "lock": lambda s, r: services.set_step_flag(step=_current(s), flag="locked", value=True),
    "unlock": lambda s, r: services.set_step_flag(step=_current(s), flag="locked", value=False),
    "timer": lambda s, r: services.set_timer(session=s, minutes=_int(r.POST.get("minutes"))),
    "close": lambda s, r: services.close(session=s),
    "goto": lambda s, r: services.go_to(
        session=s, step=get_object_or_404(Step, session=s, pk=_int(r.POST.get("step")))
    ),
}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DomainError("live.bad_number", _("A number was expected.")) from None


def _current(session: LiveSession) -> Step:
    if session.current_step is None:
        raise DomainError("live.no_step", _("Start the session first."))
    return session.current_step


@require_POST
def control(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for(request, pk)
    action = CONTROLS.get(request.POST.get("action", ""))
    if action is None:
        raise DomainError("live.bad_action", _("Unknown action."))
    action(session, request)
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)  # the console redraws itself from the event stream
    return redirect("live:console", session.pk)


def _entry_context(step: Step) -> dict[str, Any] | None:
    """The phone's own form for this step, for a facilitator entering someone's answer."""
    spec = step.spec
    if not spec.takes_answers or spec.answered_elsewhere:
        return None
    return {"template": spec.phone_template, **spec.phone_context(step, None, [])}


@require_POST
def enter(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for(request, pk)
    step = _current(session)
    form = EnterForm(request.POST)
    if not form.is_valid():
        raise DomainError("live.bad_entry", _("Type the answer (at most 5000 characters)."))
    participant = services.participant_for_entry(session=session, name=form.cleaned_data["name"])
    for item in submissions.from_form(
        request.POST, session.public_id, step, participant_id=participant.pk
    ):
        services.submit_now(item)
    messages.success(request, _("The answer was added."))
    return redirect("live:console", session.pk)


@require_POST
def add_theme(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for(request, pk)
    services.add_theme(session=session, name=request.POST.get("name", ""))
    return _back_to_panel(request, session)


@require_POST
def moderate(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    session = session_for(request, pk)
    contribution = get_object_or_404(services.visible_contributions(session), pk=cid)
    action = request.POST.get("action", "")
    if action in ("hide", "restore"):
        services.set_hidden(contribution=contribution, hidden=action == "hide")
    elif action == "merge":
        into = get_object_or_404(Contribution, session=session, pk=_int(request.POST.get("into")))
        services.merge(contribution=contribution, into=into)
    elif action == "theme":
        raw = request.POST.get("theme", "")
        theme = get_object_or_404(Theme, session=session, pk=_int(raw)) if raw else None
        services.set_theme(contribution=contribution, theme=theme)
    elif action == "tag":
        services.toggle_tag(contribution=contribution, tag=request.POST.get("tag", ""))
    else:
        raise DomainError("live.bad_action", _("Unknown action."))
    return _back_to_panel(request, session)


def _back_to_panel(request: HttpRequest, session: LiveSession) -> HttpResponse:
    if getattr(request, "htmx", False):
        return render(request, "live/console.html#panel", _console_context(session))
    return redirect("live:console", session.pk)


# -- wall and streams -------------------------------------------------------------------------


@require_GET
def wall(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for(request, pk)
    return render(request, "live/wall.html", _wall_context(request, session))


@require_GET
def wall_frame(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for(request, pk)
    return render(request, "live/wall.html#frame", _wall_context(request, session))


def _wall_context(request: HttpRequest, session: LiveSession) -> dict[str, Any]:
    step = session.current_step
    kind = step.spec if step else None
    shown = []
    if step and kind and kind.cards and step.shows_contributions:
        shown = list(
            services.visible_contributions(session)
            .filter(step=step, hidden=False, merged_into__isnull=True)
            .order_by("-sequence")[:80]
        )
        for c in shown:
            c.wall_text = kind.answer_label(step, c)
    history = None
    if step and step.kind == StepKind.HISTORY_LINE:
        history = select_template(["historyline/live_wall.html", "live/history_placeholder.html"])
    node = content.get(step.content_key) if step and step.content_key else None
    results = _results(step) if step and _has_results(step) and step.shows_contributions else []
    if step and step.kind == "word_cloud":
        for r in results:  # five word sizes by count (a class each: the CSP allows no inline style)
            r["size"] = 1 + round(4 * r["share"] / 100)
    theme = request.GET.get("theme", "")
    return {
        "session": session,
        "step": step,
        "kind": kind,
        "prompt": synthesis.step_prompt(step) if step else "",
        "node": node,
        "wall_items": _node_questions(node),
        "shown": shown,
        "answers": _answer_count(step) if step else 0,
        "results": results,
        "join_url": short_url(request, session),
        "join_base": site_address(request),
        "join_base_short": site_address(request).split("://", 1)[-1],
        "history_template": history,
        "participant": None,
        "wall_theme": theme if theme in ("light", "dark") else "dark",
    }


def _answer_count(step: Step) -> int:
    """Answers on the wall's counter: people for one-voice steps, contributions otherwise."""
    rows = step.contributions.filter(hidden=False)
    if step.kind == "questions":
        return rows.exclude(text="").count()
    return rows.count()


def _node_questions(node: Any) -> list[str]:
    """The sub-questions a principle card or an interview theme shows on the wall."""
    if node is None or node.kind not in ("principle", "interview_theme"):
        return []
    return [child.text("question") for child in node.children() if child.has("question")]


async def stream(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The wall's and console's event stream (login and run rights, like the pages)."""
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    user = await request.auser()

    def allowed() -> int:
        session = policy.fetch(user, LiveSession.objects.all(), "sessions.view", pk=pk)
        policy.require(user, "sessions.run", session)
        return session.pk

    try:
        session_pk = await sync_to_async(allowed)()
    except (Http404, PermissionDenied):
        raise
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or "0"
    last = validation.ascii_int(raw)
    response = StreamingHttpResponse(
        engine.screen_stream(session_pk, last, _run_sync), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"
    return response


async def _run_sync(fn: Any, *args: Any) -> Any:
    """A stream's database reads run on the live reader thread, never behind page work."""
    from verbindend.live.asgi import run_read

    return await run_read(fn, *args)


def short_url(request: HttpRequest, session: LiveSession) -> str:
    """`https://site/CODE`: short to type, and what the QR holds."""
    return request.build_absolute_uri("/" + session.join_code)


def site_address(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@require_GET
def qr(request: HttpRequest, pk: int, fmt: str = "svg") -> HttpResponse:
    """The join QR as a standalone SVG (with its namespace, so every browser draws it) or PNG."""
    session = session_for(request, pk)
    code = segno.make(short_url(request, session), error="m")
    buffer = io.BytesIO()
    if fmt == "png":
        code.save(buffer, kind="png", scale=12, border=2, dark="#10252d", light="#ffffff")
        return HttpResponse(buffer.getvalue(), content_type="image/png")
    code.save(buffer, kind="svg", scale=8, border=2, dark="#10252d", light="#ffffff", xmldecl=False)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@require_GET
def handout(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for(request, pk)
    return render(
        request,
        "live/handout.html",
        {
            "session": session,
            "join_url": short_url(request, session),
            "site": site_address(request),
            "copies": range(4),
        },
    )
