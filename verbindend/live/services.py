"""Writes of the live engine outside the burst path: set-up, running, joining, moderation."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbindend.core import policy, throttle
from verbindend.core.errors import DomainError
from verbindend.live import blueprints, engine, history, kinds, material, slides, synthesis
from verbindend.live.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Contribution,
    LiveSession,
    Participant,
    SlideImage,
    State,
    Step,
    StepKind,
    Synthesis,
    Theme,
    new_join_code,
)
from verbindend.method import content

if TYPE_CHECKING:
    from verbindend.accounts.models import User

TAG_PREFIXES = ("level.", "condition.", "knowledge.", "principle.")


# -- creating and editing ------------------------------------------------------------------


@transaction.atomic
def create_session(
    *,
    creator: User,
    template: str,
    network: Any = None,
    study: Any = None,
    title: str = "",
    principles: list[str] | None = None,
) -> LiveSession:
    blueprint = blueprints.BLUEPRINTS.get(template)
    scope = "network" if network is not None else "study"
    if blueprint is None or blueprint.scope not in (scope, "any"):
        raise DomainError("live.bad_template", _("Choose one of the session templates."))
    steps = blueprint.steps
    if template == "scan_workshop" and principles:
        steps = blueprints.scan_workshop_steps(principles)
    session = LiveSession.objects.create(
        network=network,
        study=study,
        title=(title or str(blueprint.title))[:200],
        template=template,
        ask_organisation=blueprint.ask_organisation and network is not None,
        created_by=creator,
        join_code=_free_code(),
    )
    for order, spec in enumerate(steps, start=1):
        Step.objects.create(
            session=session,
            order=order,
            kind=spec.kind,
            content_key=spec.content_key,
            prompt="",
            options={**spec.options, "field": spec.field},
            alone_first=spec.alone_first,
        )
    history.ensure_exercises(session)
    return session


def _free_code() -> str:
    for _attempt in range(20):
        code = new_join_code()
        if not LiveSession.objects.filter(join_code=code).exists():
            return code
    raise DomainError("live.no_code", _("No free join code was found; try again."))


@transaction.atomic
def duplicate_session(*, session: LiveSession, creator: User) -> LiveSession:
    copy = LiveSession.objects.create(
        network=session.network,
        study=session.study,
        title=(_("Copy of %(title)s") % {"title": session.title})[:200],
        template=session.template,
        ask_names=session.ask_names,
        ask_organisation=session.ask_organisation,
        created_by=creator,
        join_code=_free_code(),
    )
    for s in session.steps.select_related("slide_image"):
        step = Step.objects.create(
            session=copy,
            order=s.order,
            kind=s.kind,
            content_key=s.content_key,
            prompt=s.prompt,
            options=s.options,
            alone_first=s.alone_first,
        )
        picture = getattr(s, "slide_image", None)
        if picture is not None:
            picture.pk, picture.step = None, step
            picture.save()
    history.ensure_exercises(copy)
    return copy


@transaction.atomic
def add_step(
    *,
    session: LiveSession,
    kind: str,
    prompt: str,
    options: dict[str, Any] | None = None,
    picture: slides.Prepared | None = None,
) -> Step:
    """A new last step; a slide may carry a picture (prepared by `slides.prepare`)."""
    if kind not in {k.key for k in kinds.all_kinds()}:
        raise DomainError("live.bad_kind", _("Choose a step type."))
    options = dict(options or {})
    if picture is not None:
        options["picture"] = uuid.uuid4().hex[:12]  # a version, so browsers never show an old one
    last = session.steps.order_by("-order").first()
    step = Step.objects.create(
        session=session,
        order=(last.order + 1) if last else 1,
        kind=kind,
        prompt=prompt,
        options=options,
        alone_first=kinds.get(kind).alone_first_default,
    )
    if picture is not None:
        SlideImage.objects.create(
            step=step,
            data=picture.data,
            content_type=picture.content_type,
            width=picture.width,
            height=picture.height,
        )
    history.ensure_exercise(step)
    return step


def edit_step(*, step: Step, prompt: str, alone_first: bool) -> Step:
    """Reword a step (an empty prompt goes back to the method's own words) before it is shown."""
    prompt = (prompt or "").strip()
    if len(prompt) > 1000:
        raise DomainError("live.prompt_long", _("A prompt has at most 1,000 characters."))
    if step.session.state == State.CLOSED:
        raise DomainError("live.closed", _("This session has ended; its steps no longer change."))
    step.prompt = prompt
    step.alone_first = alone_first
    step.save(update_fields=["prompt", "alone_first"])
    return step


def describe_session(
    *, session: LiveSession, title: str, planned_for: date | None = None
) -> LiveSession:
    """Set the title and the day of the session (no day: not on anyone's overview ahead of time)."""
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise DomainError("live.title", _("Give the session a title of at most 200 characters."))
    session.title = title
    session.planned_for = planned_for
    session.save(update_fields=["title", "planned_for"])
    return session


@transaction.atomic
def move_step(*, step: Step, up: bool) -> None:
    steps = list(step.session.steps.select_for_update().order_by("order", "pk"))
    index = steps.index(step)
    other = index - 1 if up else index + 1
    if 0 <= other < len(steps):
        steps[index], steps[other] = steps[other], steps[index]
    for order, s in enumerate(steps, start=1):
        if s.order != order:
            Step.objects.filter(pk=s.pk).update(order=order)


def delete_step(*, step: Step) -> None:
    if step.contributions.exists():
        raise DomainError(
            "live.step_has_answers", _("This step already has answers; it cannot be removed.")
        )
    step.delete()


def invite_co_facilitator(*, session: LiveSession, user: User) -> None:
    """A co-facilitator must already belong to the session's network or study."""
    if not policy.roles_of(user, session):
        raise DomainError(
            "live.not_in_scope",
            _("Only someone of this network or study can co-facilitate."),
        )
    session.co_facilitators.add(user)


# -- running ------------------------------------------------------------------------------


def _state_changed(session: LiveSession) -> None:
    session.refresh_from_db()
    if session.current_step is not None:
        history.ensure_exercise(session.current_step)
    engine.record_event(session, "state", engine.state_payload(session))


def start(*, session: LiveSession) -> None:
    _require_open(session)
    first = session.steps.order_by("order", "pk").first()
    LiveSession.objects.filter(pk=session.pk).update(state=State.RUNNING, current_step=first)
    _state_changed(session)


def go(*, session: LiveSession, forward: bool) -> None:
    _require_open(session)
    steps = list(session.steps.order_by("order", "pk"))
    if not steps:
        raise DomainError("live.no_steps", _("Add a step first."))
    if session.current_step_id is None:
        target = steps[0] if forward else None
    else:
        ids = [s.pk for s in steps]
        index = ids.index(session.current_step_id) if session.current_step_id in ids else -1
        new = index + (1 if forward else -1)
        target = steps[new] if 0 <= new < len(steps) else (steps[-1] if forward else None)
    LiveSession.objects.filter(pk=session.pk).update(
        state=State.RUNNING if target else State.LOBBY, current_step=target
    )
    _state_changed(session)


def go_to(*, session: LiveSession, step: Step) -> None:
    _require_open(session)
    LiveSession.objects.filter(pk=session.pk).update(state=State.RUNNING, current_step=step)
    _state_changed(session)


def set_step_flag(*, step: Step, flag: str, value: bool) -> None:
    if flag not in ("revealed", "locked"):
        raise DomainError("live.bad_flag", _("Unknown action."))
    Step.objects.filter(pk=step.pk).update(**{flag: value})
    _state_changed(step.session)


def set_timer(*, session: LiveSession, minutes: int) -> None:
    if not 0 <= minutes <= 120:
        raise DomainError("live.bad_timer", _("A timer runs between 1 and 120 minutes."))
    ends = timezone.now() + timedelta(minutes=minutes) if minutes else None
    LiveSession.objects.filter(pk=session.pk).update(timer_ends_at=ends)
    _state_changed(session)


def close(*, session: LiveSession) -> None:
    LiveSession.objects.filter(pk=session.pk).update(
        state=State.CLOSED, closed_at=timezone.now(), timer_ends_at=None
    )
    _state_changed(session)


def _require_open(session: LiveSession) -> None:
    if session.state == State.CLOSED:
        raise DomainError("live.closed", _("This session has ended."))


# -- joining ------------------------------------------------------------------------------


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())[: CODE_LENGTH + 4]


def resolve_join_code(request: Any, code: str) -> str | None:
    """The join box's answer for a live session's code: its join page (which says if it ended)."""
    code = normalise_code(code)
    if len(code) != CODE_LENGTH or not set(code) <= set(CODE_ALPHABET):
        return None
    if not LiveSession.objects.filter(join_code=code).exists():
        return None
    from django.urls import reverse

    return reverse("live:join") + f"?code={code}"


def find_by_code(*, code: str, address: str) -> LiveSession:
    """The open session with this code; wrong codes count against the address."""
    code = normalise_code(code)
    return throttle.guard("live", address, code, lambda: _open_session_with(code))


def _open_session_with(code: str) -> LiveSession:
    session = (
        LiveSession.objects.filter(join_code=code).first()
        if len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
        else None
    )
    if session is None or session.state == State.CLOSED:
        if session is not None:
            raise DomainError("live.closed", _("This session has ended; its code no longer works."))
        raise DomainError("live.wrong_code", _("There is no open session with this code."))
    return session


def network_choices(session: LiveSession) -> Any:
    """A study's session asks which of the study's case networks someone comes from."""
    if session.study_id is None:
        return None
    from verbindend.networks.models import Network

    return Network.objects.filter(cases__study_id=session.study_id).distinct().order_by("name")


def organisation_choices(session: LiveSession) -> Any:
    """Organisations to choose from: the network's, or those of the study's case networks."""
    from verbindend.networks.models import Organisation

    if session.study_id is not None:
        return (
            Organisation.objects.filter(memberships__network__cases__study_id=session.study_id)
            .distinct()
            .order_by("name")
        )
    if session.ask_organisation and session.network_id is not None:
        return (
            Organisation.objects.filter(memberships__network_id=session.network_id)
            .distinct()
            .order_by("name")
        )
    return None


def join(
    *,
    session: LiveSession,
    display_name: str = "",
    organisation: Any = None,
    network: Any = None,
    user: Any = None,
) -> Participant:
    if session.state == State.CLOSED:
        raise DomainError("live.closed", _("This session has ended; its code no longer works."))
    networks = network_choices(session)
    if network is not None and (networks is None or not networks.filter(pk=network.pk).exists()):
        raise DomainError("live.bad_network", _("Choose a network from the list."))
    scope_network: Any = network or session.network
    if (
        organisation is not None
        and scope_network is not None
        and not scope_network.memberships.filter(organisation=organisation).exists()
    ):
        raise DomainError("live.bad_organisation", _("Choose an organisation from the list."))
    if user is not None and user.is_authenticated:
        # the same account joining again (another phone, a cleared browser) is the same person
        known = session.participants.filter(user=user).order_by("joined_at").first()
        if known is not None:
            changed = []
            if display_name.strip() and display_name.strip()[:80] != known.display_name:
                known.display_name = display_name.strip()[:80]
                changed.append("display_name")
            if organisation is not None and organisation != known.organisation:
                known.organisation = organisation
                changed.append("organisation")
            if changed:
                known.save(update_fields=changed)
            return known
    return Participant.objects.create(
        session=session,
        display_name=display_name.strip()[:80],
        organisation=organisation,
        network=network,
        user=user if user is not None and user.is_authenticated else None,
    )


def participant_for_entry(*, session: LiveSession, name: str) -> Participant:
    """Someone without a phone, entered by the facilitator (one row per entry)."""
    return Participant.objects.create(
        session=session, display_name=name.strip()[:80], entered_by_facilitator=True
    )


def enter_for(
    *, session: LiveSession, step: Step, name: str, text: str, value: dict | None = None
) -> engine.Ack:
    """A facilitator types an answer for someone without a phone."""
    participant = Participant.objects.create(
        session=session, display_name=name.strip()[:80], entered_by_facilitator=True
    )
    return submit_now(
        engine.Submission(
            session=session.public_id,
            token="",
            step=step.pk,
            client_id=uuid.uuid4(),
            text=engine.clean_text(text),
            value=value or {},
            participant_id=participant.pk,
        )
    )


def submit_now(item: engine.Submission) -> engine.Ack:
    """Write one submission from sync code (no-JS form, facilitator entry) and publish it."""
    try:
        outcomes, messages = engine.write_batch([item])
    except IntegrityError:  # the same client UUID raced in from elsewhere: it is stored
        outcomes, messages = engine.write_batch([item])
    outcome = outcomes[0]
    for message in messages:
        engine.publish_threadsafe(message)
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


# -- moderation ---------------------------------------------------------------------------


def _moderated(contribution: Contribution, action: str, **extra: Any) -> None:
    engine.record_event(
        contribution.session,
        "moderation",
        {"type": "moderation", "action": action, "id": contribution.pk, **extra},
    )


def set_hidden(*, contribution: Contribution, hidden: bool) -> None:
    Contribution.objects.filter(pk=contribution.pk).update(hidden=hidden)
    _moderated(contribution, "hide" if hidden else "restore")


def merge(*, contribution: Contribution, into: Contribution) -> None:
    if into.session_id != contribution.session_id or into.pk == contribution.pk:
        raise DomainError("live.bad_merge", _("Merge into another answer of the same session."))
    if into.merged_into_id:
        into = into.merged_into  # type: ignore[assignment]
    Contribution.objects.filter(pk=contribution.pk).update(merged_into=into)
    Contribution.objects.filter(merged_into=contribution).update(merged_into=into)
    _moderated(contribution, "merge", into=into.pk)


def add_theme(*, session: LiveSession, name: str) -> Theme:
    name = name.strip()
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise DomainError("live.bad_theme", _("A theme needs a name of at most 120 characters."))
    same = session.themes.filter(name__iexact=name).first()
    if same is not None:  # the same theme typed twice stays one theme
        return same
    last = session.themes.order_by("-order").first()
    return Theme.objects.create(session=session, name=name, order=(last.order + 1) if last else 1)


def set_theme(*, contribution: Contribution, theme: Theme | None) -> None:
    if theme is not None and theme.session_id != contribution.session_id:
        raise DomainError("live.bad_theme", _("Choose a theme of this session."))
    if contribution.is_private:
        raise DomainError("live.private", _("A private letter cannot be grouped."))
    Contribution.objects.filter(pk=contribution.pk).update(theme=theme)
    _moderated(contribution, "theme", theme=theme.pk if theme else None)


def tag_choices() -> list[content.Node]:
    kinds = ("level", "condition", "knowledge", "principle")
    return [n for kind in kinds for n in content.of_kind(kind)]


def toggle_tag(*, contribution: Contribution, tag: str) -> None:
    if not tag.startswith(TAG_PREFIXES) or not content.exists(tag):
        raise DomainError(
            "live.bad_tag", _("Choose a level, condition, knowledge type or principle.")
        )
    if contribution.is_private:
        raise DomainError("live.private", _("A private letter cannot be tagged."))
    tags = list(contribution.tags)
    tags = [t for t in tags if t != tag] if tag in tags else [*tags, tag]
    Contribution.objects.filter(pk=contribution.pk).update(tags=tags)
    _moderated(contribution, "tags", tags=tags)


def visible_contributions(session: LiveSession) -> Any:
    """What facilitators see: everything except letters their authors did not share."""
    return (
        Contribution.objects.filter(session=session)
        .exclude(step__kind=StepKind.FAREWELL_LETTER, shared=False)
        .select_related("step", "theme", "participant")
    )


def save_synthesis(*, session: LiveSession, notes: str, user: Any) -> Synthesis:
    """Keep the facilitator's notes with a snapshot of the summary; renew what a study holds."""
    saved, _created = Synthesis.objects.update_or_create(
        session=session,
        defaults={
            "notes": notes[:10000],
            "snapshot": synthesis.session_summary(session).as_dict(),
            "saved_by": user,
        },
    )
    material.send_to_study(session=session, user=user)
    material.renew_shared(session)
    return saved
