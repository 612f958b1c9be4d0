"""Live screens: sessions list, console, wall, phone, join; all logic sits in services/engine."""

from __future__ import annotations

import uuid
from typing import Any

import segno
from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
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
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from verbindend.accounts.models import User
from verbindend.core import exports, policy, throttle, validation
from verbindend.core.charts import bar_chart
from verbindend.core.errors import DomainError
from verbindend.live import blueprints, engine, history, services, synthesis
from verbindend.live.asgi import cookie_name
from verbindend.live.forms import (
    CodeForm,
    CreateForm,
    EnterForm,
    InviteForm,
    JoinForm,
    StepForm,
    SynthesisForm,
    ThemeForm,
)
from verbindend.live.models import (
    AGGREGATE_KINDS,
    TEXT_KINDS,
    Contribution,
    LiveSession,
    Participant,
    State,
    Step,
    StepKind,
    Theme,
)
from verbindend.method import content
from verbindend.networks.models import Network, Organisation
from verbindend.privacy import audit
from verbindend.privacy.models import AuditAction
from verbindend.studies.models import Study

COOKIE_AGE = 12 * 3600


def _session(request: HttpRequest, pk: int, *, run: bool = True) -> LiveSession:
    session = policy.fetch(request.user, LiveSession.objects.all(), "sessions.view", pk=pk)
    if run:
        services.require_run(request.user, session)
    return session


# -- lists and creation ---------------------------------------------------------------------


@require_GET
def network_sessions(request: HttpRequest, slug: str) -> HttpResponse:
    network = policy.fetch(request.user, Network.objects.all(), "sessions.view", slug=slug)
    return _list(request, network=network)


@require_GET
def study_sessions(request: HttpRequest, slug: str) -> HttpResponse:
    study = policy.fetch(request.user, Study.objects.all(), "sessions.view", slug=slug)
    return _list(request, study=study)


def _list(request: HttpRequest, *, network: Any = None, study: Any = None) -> HttpResponse:
    scope = network or study
    sessions = LiveSession.objects.filter(network=network, study=study).order_by("-created_at")
    can_run = policy.can(request.user, "sessions.run", scope)
    return render(
        request,
        "live/list.html",
        {
            "network": network,
            "study": study,
            "sessions": sessions[:100],
            "can_run": can_run,
            "blueprints": blueprints.for_scope("network" if network else "study"),
        },
    )


@require_POST
def create(request: HttpRequest, slug: str) -> HttpResponse:
    network = policy.fetch(request.user, Network.objects.all(), "sessions.run", slug=slug)
    return _create(request, network=network)


@require_POST
def create_for_study(request: HttpRequest, slug: str) -> HttpResponse:
    study = policy.fetch(request.user, Study.objects.all(), "sessions.run", slug=slug)
    return _create(request, study=study)


def _create(request: HttpRequest, *, network: Any = None, study: Any = None) -> HttpResponse:
    form = CreateForm(request.POST)
    if not form.is_valid():
        raise DomainError("live.bad_template", _("Choose one of the session templates."))
    session = services.create_session(
        creator=request.user,  # type: ignore[arg-type]
        template=form.cleaned_data["template"],
        network=network,
        study=study,
        title=form.cleaned_data["title"],
        principles=form.principle_list(),
    )
    messages.success(request, _("The session was created. Check its steps, then start it."))
    return redirect("live:steps", session.pk)


@require_POST
def duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    copy = services.duplicate_session(session=session, creator=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The session was copied with its steps."))
    return redirect("live:steps", copy.pk)


# -- steps ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def steps(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    form = StepForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action", "add")
        if action == "add" and form.is_valid():
            lines = [x.strip() for x in form.cleaned_data["options"].splitlines() if x.strip()]
            kind = form.cleaned_data["kind"]
            options: dict[str, Any] = {}
            if kind == StepKind.CHOICE:
                if len(lines) < 2:
                    raise DomainError("live.bad_options", _("A choice needs at least two options."))
                options = {"items": lines[:20], "multiple": form.cleaned_data["multiple"]}
            elif kind == StepKind.DOT_VOTE:
                options = {"source_back": 1, "dots": 3}
            services.add_step(
                session=session, kind=kind, prompt=form.cleaned_data["prompt"], options=options
            )
            return redirect("live:steps", session.pk)
        if action == "rename":
            services.rename_session(session=session, title=request.POST.get("title", ""))
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
        {"session": session, "steps": _step_rows(session), "form": form},
    )


def _step_of(session: LiveSession, raw: str) -> Step:
    """The session's step named in a form; anything else (including non-numbers) is a 404."""
    if not raw.isdigit():
        raise Http404
    return get_object_or_404(Step, session=session, pk=int(raw))


def _step_rows(session: LiveSession) -> list[dict[str, Any]]:
    return [
        {"step": s, "prompt": synthesis.step_prompt(s)}
        for s in session.steps.order_by("order", "pk")
    ]


@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
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
    session = _session(request, pk)
    return render(request, "live/console.html", _console_context(session))


@require_GET
def console_panel(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    return render(request, "live/console.html#panel", _console_context(session))


def _console_context(session: LiveSession) -> dict[str, Any]:
    step = session.current_step
    contributions = (
        services.visible_contributions(session).filter(step=step).order_by("-sequence")[:300]
        if step
        else []
    )
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
        "enter_form": EnterForm(),
        "theme_form": ThemeForm(),
        "chart": _chart(step) if step and step.kind in AGGREGATE_KINDS else "",
        "text_kinds": TEXT_KINDS,
    }


def _chart(step: Step) -> str:
    counts = synthesis.aggregate(step, list(step.contributions.filter(hidden=False)))
    if step.kind == StepKind.SCALE:
        labels = [(str(i), content.get(f"scan.scale.{i}").text("label")) for i in range(1, 6)]
        labels.append(("unknown", content.get("scan.scale.unknown").text("label")))
        items = [(label, counts.get(key, 0)) for key, label in labels]
    elif step.kind == StepKind.DOT_VOTE:
        texts = dict(
            Contribution.objects.filter(pk__in=[int(k) for k in counts]).values_list("pk", "text")
        )
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])[:10]
        items = [(texts.get(int(k), "?"), v) for k, v in ranked]
    else:
        items = [(label, counts.get(label, 0)) for label in synthesis.option_labels(step)]
    return bar_chart(synthesis.step_prompt(step)[:80], items, width=640)


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
    session = _session(request, pk)
    action = CONTROLS.get(request.POST.get("action", ""))
    if action is None:
        raise DomainError("live.bad_action", _("Unknown action."))
    action(session, request)
    return redirect("live:console", session.pk)


@require_POST
def enter(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    form = EnterForm(request.POST)
    if not form.is_valid():
        raise DomainError("live.bad_entry", _("Type the answer (at most 5000 characters)."))
    services.enter_for(
        session=session,
        step=_current(session),
        name=form.cleaned_data["name"],
        text=form.cleaned_data["text"],
    )
    messages.success(request, _("The answer was added."))
    return redirect("live:console", session.pk)


@require_POST
def add_theme(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    services.add_theme(session=session, name=request.POST.get("name", ""))
    return _back_to_panel(request, session)


@require_POST
def moderate(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    session = _session(request, pk)
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
    session = _session(request, pk)
    return render(request, "live/wall.html", _wall_context(request, session))


@require_GET
def wall_frame(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    return render(request, "live/wall.html#frame", _wall_context(request, session))


def _wall_context(request: HttpRequest, session: LiveSession) -> dict[str, Any]:
    step = session.current_step
    shown = []
    if step and step.shows_contributions and step.kind in TEXT_KINDS:
        shown = list(
            services.visible_contributions(session)
            .filter(step=step, hidden=False, merged_into__isnull=True)
            .order_by("-sequence")[:80]
        )
    history = None
    if step and step.kind == StepKind.HISTORY_LINE:
        history = select_template(["historyline/live_wall.html", "live/history_placeholder.html"])
    return {
        "session": session,
        "step": step,
        "prompt": synthesis.step_prompt(step) if step else "",
        "node": content.get(step.content_key) if step and step.content_key else None,
        "shown": shown,
        "answers": step.contributions.filter(hidden=False).count() if step else 0,
        "chart": _chart(step) if step and step.kind in AGGREGATE_KINDS and step.revealed else "",
        "join_url": request.build_absolute_uri(reverse("live:join")) + f"?code={session.join_code}",
        "join_base": request.build_absolute_uri(reverse("live:join")),
        "history_template": history,
        "participant": None,
    }


async def stream(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The wall's and console's event stream (login and run rights, like the pages)."""
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    user = await request.auser()

    def allowed() -> int:
        session = policy.fetch(user, LiveSession.objects.all(), "sessions.view", pk=pk)
        services.require_run(user, session)
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


@require_GET
def qr(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    url = request.build_absolute_uri(reverse("live:join")) + f"?code={session.join_code}"
    buffer = segno.make(url, error="m").svg_inline(scale=8, dark="#10252d", light="#ffffff")
    return HttpResponse(buffer, content_type="image/svg+xml")


@require_GET
def handout(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    return render(
        request,
        "live/handout.html",
        {
            "session": session,
            "join_url": request.build_absolute_uri(reverse("live:join")),
            "copies": range(4),
        },
    )


# -- synthesis --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def synthesis_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, run=False)
    can_run = services.can_run(request.user, session)
    saved = getattr(session, "synthesis", None) if hasattr(session, "synthesis") else None
    form = SynthesisForm(request.POST or None, initial={"notes": saved.notes if saved else ""})
    if request.method == "POST":
        services.require_run(request.user, session)
        if form.is_valid():
            synthesis.save(session=session, notes=form.cleaned_data["notes"], user=request.user)
            messages.success(request, _("The synthesis was saved."))
            return redirect("live:synthesis", session.pk)
    return render(
        request,
        "live/synthesis.html",
        {
            "session": session,
            "summary": synthesis.session_summary(session),
            "saved": saved,
            "form": form,
            "can_run": can_run,
        },
    )


@require_GET
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    session = _session(request, pk, run=False)
    summary = synthesis.session_summary(session)
    name = f"session-{session.pk}-synthesis"
    body: str | bytes
    if fmt == "csv":
        body, content_type = synthesis.as_csv(summary), exports.CSV_TYPE
    elif fmt == "xlsx":
        body, content_type = synthesis.as_xlsx(summary), exports.XLSX_TYPE
    else:
        raise Http404
    audit.record(request, AuditAction.EXPORTED, session, detail=f"synthesis.{fmt}")
    return exports.download(name, fmt, body, content_type)


# -- participants (public) --------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    code = (request.POST.get("code") or request.GET.get("code") or "").strip()
    if not code:
        return render(request, "live/join.html", {"code_form": CodeForm()})
    try:
        session = services.find_by_code(code=code, address=throttle.client_address(request))
    except DomainError as error:
        return render(
            request,
            "live/join.html",
            {"code_form": CodeForm(initial={"code": code}), "error": error},
            status=error.status,
        )
    organisations = (
        Organisation.objects.filter(memberships__network=session.network).distinct()
        if session.ask_organisation and session.network
        else None
    )
    user = request.user
    initial_name = user.get_full_name() if user.is_authenticated else ""
    form = JoinForm(
        request.POST if "details" in request.POST else None,
        organisations=organisations,
        initial={"code": session.join_code, "display_name": initial_name},
    )
    if "details" in request.POST and form.is_valid():
        participant = services.join(
            session=session,
            display_name=form.cleaned_data["display_name"],
            organisation=form.cleaned_data.get("organisation"),
            user=user,
        )
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
    return render(request, "live/join.html", {"session": session, "form": form})


def _participant(request: HttpRequest, public_id: str) -> Participant | None:
    token = request.COOKIES.get(cookie_name(public_id), "")
    if not token:
        return None
    return (
        Participant.objects.filter(token=token, session__public_id=public_id)
        .select_related("session__current_step", "session__network")
        .first()
    )


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
    context["prompt"] = synthesis.step_prompt(step)
    context["node"] = content.get(step.content_key) if step.content_key else None
    if step.kind == StepKind.PRINCIPLE_CARD and step.content_key:
        context["items"] = content.get(step.content_key).children("reflection")
    if step.kind == StepKind.SCALE:
        context["scale"] = [
            (i, content.get(f"scan.scale.{i}").text("label")) for i in range(1, 6)
        ] + [("unknown", content.get("scan.scale.unknown").text("label"))]
    if step.kind == StepKind.CHOICE:
        context["choices"] = list(enumerate(synthesis.option_labels(step)))
    if step.kind == StepKind.DOT_VOTE:
        source = engine.source_step(step)
        context["targets"] = (
            Contribution.objects.filter(step=source, hidden=False, merged_into__isnull=True)
            .exclude(step__kind=StepKind.FAREWELL_LETTER)
            .order_by("sequence")[:60]
            if source
            else []
        )
        context["dots"] = int(step.options.get("dots", 3))
    if step.kind == StepKind.HISTORY_LINE:
        context["history_template"] = select_template(
            ["historyline/live_phone.html", "live/history_placeholder.html"]
        )
        context.update(history.phone_context(participant, step))
    context["answered"] = Contribution.objects.filter(step=step, participant=participant).count()
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
    post = request.POST
    data: dict[str, Any] = {
        "client_id": post.get("client_id"),
        "step": post.get("step"),
        "text": post.get("text", ""),
        "shared": post.get("shared"),
    }
    items = [(k[5:], str(v)) for k, v in post.items() if k.startswith("item:") and str(v).strip()]
    value: dict[str, Any] = {}
    if "scale" in post:
        raw = post.get("scale", "")
        value = {"scale": validation.ascii_int(raw, default=-1) if raw != "unknown" else raw}
    elif "choices" in post:
        value = {"choices": [validation.ascii_int(x, default=-1) for x in post.getlist("choices")]}
    elif "dots" in post:
        value = {"dots": [validation.ascii_int(x, default=-1) for x in post.getlist("dots")]}
    submissions = []
    if items:
        base = validation.parse_uuid(post.get("client_id"))
        if base is None:
            raise DomainError("live.bad_request", _("This answer could not be read."), status=400)
        for key, text in items:
            data_item = {**data, "text": text, "value": {"item": key}}
            data_item["client_id"] = str(uuid.uuid5(base, key))
            submissions.append(engine.parse_submission(public_id, participant.token, data_item))
    else:
        data["value"] = value
        submissions.append(engine.parse_submission(public_id, participant.token, data))
    for item in submissions:
        services.submit_now(item)
    messages.success(request, _("Your answer was saved."))
    return redirect("live:phone", public_id)
