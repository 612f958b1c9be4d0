"""Writes for the history line. Each function checks its input and saves all or nothing."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbindend.core.errors import DomainError
from verbindend.historyline import geometry
from verbindend.historyline.models import DEFAULT_TOLERANCE_DAYS, Exercise, Line, Moment, MomentKind
from verbindend.method import content

if TYPE_CHECKING:
    from verbindend.accounts.models import User
    from verbindend.networks.models import Network, Person
    from verbindend.studies.models import Study

MAX_TOLERANCE_DAYS = 3650
MAX_MILESTONES = 30
QUESTIONS = ("q_peaks", "q_valleys", "q_red_thread")
# a moment's tag field → the kind of method content it may name
TAG_KINDS = {
    "level": "level",
    "principle": "principle",
    "condition": "condition",
    "knowledge": "knowledge_type",
}
_KEY = re.compile(r"^(person|user):[1-9][0-9]{0,18}$")

BAD_POINTS = {
    "not_a_list": gettext_lazy("The line must be a list of points (date and value)."),
    "not_a_pair": gettext_lazy("Point {n} is not a pair of a date and a value."),
    "not_a_number": gettext_lazy("Point {n} has a value that is not a number."),
    "bad_date": gettext_lazy("Point {n} has a date that cannot be read (use YYYY-MM-DD)."),
    "too_many": gettext_lazy("That is too many points for one line (at most {max})."),
}


def check_axis(*, start: date, end: date, milestones: list[dict[str, str]]) -> None:
    if end <= start:
        raise DomainError(
            "axis_backwards", _("The end of the time axis must come after its start.")
        )
    if len(milestones) > MAX_MILESTONES:
        raise DomainError("too_many_milestones", _("At most 30 milestones."))
    for item in milestones:
        when = date.fromisoformat(item["date"])
        if not start <= when <= end:
            raise DomainError(
                "milestone_outside",
                _("The milestone “%(label)s” lies outside the time axis.")
                % {"label": item["label"]},
            )


@transaction.atomic
def create_exercise(
    *,
    scope: Network | Study,
    title: str,
    start_date: date,
    end_date: date | None = None,
    milestones: list[dict[str, str]] | None = None,
    tolerance_days: int = DEFAULT_TOLERANCE_DAYS,
    live_step_id: int | None = None,
    created_by: User | None = None,
) -> Exercise:
    from verbindend.networks.models import Network

    exercise = Exercise(
        title=title,
        start_date=start_date,
        milestones=milestones or [],
        tolerance_days=tolerance_days,
        live_step_id=live_step_id,
        created_by=created_by,
    )
    if end_date is not None:
        exercise.end_date = end_date
    if isinstance(scope, Network):
        exercise.network = scope
    else:
        exercise.study = scope
    check_axis(start=exercise.start_date, end=exercise.end_date, milestones=exercise.milestones)
    set_tolerance(exercise=exercise, days=tolerance_days, save=False)
    exercise.full_clean()
    exercise.save()
    return exercise


@transaction.atomic
def update_axis(
    *,
    exercise: Exercise,
    title: str,
    start_date: date,
    end_date: date,
    milestones: list[dict[str, str]],
    tolerance_days: int,
) -> Exercise:
    """Change the axis; lines keep their dates (points are re-based on the new start)."""
    check_axis(start=start_date, end=end_date, milestones=milestones)
    shift = (exercise.start_date - start_date).days
    span = (end_date - start_date).days
    if shift:
        for line in exercise.lines.all():
            line.points = [[min(max(d + shift, 0), span), v] for d, v in line.points]
            line.save(update_fields=["points", "updated_at"])
    exercise.title = title
    exercise.start_date, exercise.end_date = start_date, end_date
    exercise.milestones = milestones
    set_tolerance(exercise=exercise, days=tolerance_days, save=False)
    exercise.full_clean()
    exercise.save()
    return exercise


def set_tolerance(*, exercise: Exercise, days: Any, save: bool = True) -> Exercise:
    try:
        value = int(days)
    except (TypeError, ValueError):
        raise DomainError(
            "bad_tolerance", _("The tolerance must be a whole number of days.")
        ) from None
    if not 0 <= value <= MAX_TOLERANCE_DAYS:
        raise DomainError(
            "bad_tolerance", _("The tolerance must lie between 0 and 3650 days (ten years).")
        )
    exercise.tolerance_days = value
    if save:
        exercise.save(update_fields=["tolerance_days"])
    return exercise


def check_participant_key(key: str) -> str:
    """``person:<id>``, ``user:<id>`` or a live participant's UUID."""
    if isinstance(key, str) and _KEY.match(key):
        return key
    try:
        return str(uuid.UUID(str(key)))
    except ValueError:
        raise DomainError("bad_participant", _("This participant is unknown.")) from None


def participant_key_for(*, exercise: Exercise, user: User) -> str:
    """A user's own line: through their person record in the network if they have one."""
    person = _person_of(exercise, user)
    return f"person:{person.pk}" if person else f"user:{user.pk}"


def _person_of(exercise: Exercise, user: User) -> Person | None:
    if exercise.network_id is None or not user.is_authenticated:
        return None
    from verbindend.networks.models import Person

    return Person.objects.filter(network_id=exercise.network_id, user=user).first()


def _person_for_key(exercise: Exercise, key: str) -> Person | None:
    from verbindend.networks.models import Person

    kind, _sep, ident = key.partition(":")
    if kind == "person":
        people = Person.objects.filter(pk=int(ident)).select_related("organisation")
        if exercise.network_id:
            people = people.filter(network_id=exercise.network_id)
        person = people.first()
        if person is None:
            raise DomainError("bad_participant", _("This person is not part of the network."))
        return person
    if kind == "user" and exercise.network_id:
        return (
            Person.objects.filter(network_id=exercise.network_id, user_id=int(ident))
            .select_related("organisation")
            .first()
        )
    return None


def save_line(
    *, exercise: Exercise, participant_key: str, points: Any
) -> tuple[Line, geometry.Cleaned]:
    """Save (or replace) one participant's line. Bad input raises before anything is written.

    Points outside the axis or 0–100 are clamped, points out of time order are sorted, several
    points on one day merge (last wins), and long lines are simplified to MAX_POINTS.
    """
    key = check_participant_key(participant_key)
    try:
        cleaned = geometry.clean(points, start=exercise.start_date, span_days=exercise.span_days)
    except geometry.BadPoints as bad:
        message = str(BAD_POINTS[bad.code]).format(
            n=(bad.index or 0) + 1, max=geometry.MAX_RAW_POINTS
        )
        raise DomainError(f"points_{bad.code}", message) from None
    cleaned.notices = _notices(cleaned)
    person = _person_for_key(exercise, key)
    with transaction.atomic():
        locked = Exercise.objects.select_for_update().get(pk=exercise.pk)
        line = Line.objects.filter(exercise=locked, participant_key=key).first()
        if line is None:
            line = Line(exercise=locked, participant_key=key, pseudonym=_next_pseudonym(locked))
        if person is not None:
            line.person = person
            line.organisation = person.organisation
            line.role = person.lead_role
        line.points = [[d, v] for d, v in cleaned.points]
        line.save()
    return line, cleaned


def _next_pseudonym(exercise: Exercise) -> str:
    taken = set(exercise.lines.values_list("pseudonym", flat=True))
    number = len(taken) + 1
    while f"P{number:02d}" in taken:
        number += 1
    return f"P{number:02d}"


def _notices(cleaned: geometry.Cleaned) -> list[str]:
    notes = []
    if cleaned.clamped_time:
        notes.append(_("Points outside the time axis were moved onto its edge."))
    if cleaned.clamped_value:
        notes.append(_("Values below 0 or above 100 were set to 0 or 100."))
    if cleaned.reordered:
        notes.append(_("Points that went back in time were put in date order."))
    if cleaned.simplified_from:
        notes.append(
            _("The line was simplified from %(raw)s to %(kept)s points; its shape stays the same.")
            % {"raw": cleaned.simplified_from, "kept": len(cleaned.points)}
        )
    return notes


def tag_choices(field: str) -> list[content.Node]:
    return list(content.of_kind(TAG_KINDS[field]))


def _tag(field: str, key: str) -> str:
    key = (key or "").strip()
    if not key:
        return ""
    if key not in {node.key for node in tag_choices(field)}:
        raise DomainError(
            f"bad_{field}", _("This tag is not part of the method: %(key)s") % {"key": key[:60]}
        )
    return key


def add_moment(
    *,
    line: Line,
    on: date,
    kind: str,
    title: str,
    value: float | None = None,
    story: str = "",
    answers: dict[str, str] | None = None,
    level: str = "",
    principle: str = "",
    condition: str = "",
    knowledge: str = "",
) -> Moment:
    """Mark a peak or valley on a line, with its story, the three answers and its tags."""
    exercise = line.exercise
    if not exercise.start_date <= on <= exercise.end_date:
        raise DomainError("moment_outside", _("The moment's date lies outside the time axis."))
    if kind not in MomentKind.values:
        raise DomainError("bad_kind", _("A moment is a peak or a valley."))
    title = (title or "").strip()
    if not title:
        raise DomainError("no_title", _("Give the moment a short title."))
    answers = answers or {}
    if set(answers) - set(QUESTIONS):
        raise DomainError("bad_answers", _("Unknown question."))
    if value is None:
        value = geometry.value_at([tuple(p) for p in line.points], exercise.day_of(on))
        value = 50.0 if value is None else value
    moment = Moment(
        line=line,
        on=on,
        value=round(min(max(float(value), 0.0), 100.0), 1),
        kind=kind,
        title=title,
        story=story.strip(),
        answer_peaks=answers.get("q_peaks", "").strip(),
        answer_valleys=answers.get("q_valleys", "").strip(),
        answer_red_thread=answers.get("q_red_thread", "").strip(),
        level=_tag("level", level),
        principle=_tag("principle", principle),
        condition=_tag("condition", condition),
        knowledge=_tag("knowledge", knowledge),
    )
    try:
        moment.full_clean()
    except Exception as error:  # a ValidationError: too long, etc.
        raise DomainError(
            "bad_moment", _("The moment could not be saved: %(why)s") % {"why": error}
        ) from None
    moment.save()
    return moment


def delete_moment(*, moment: Moment) -> None:
    moment.delete()


def stories_text(exercise: Exercise) -> str:
    """All stories and answers of an exercise as plain text, pseudonymised, for analysis."""
    questions = {q: content.get(f"exercise.history_line.{q}").text("question") for q in QUESTIONS}
    out = [
        exercise.title,
        f"{exercise.start_date.isoformat()} – {exercise.end_date.isoformat()}",
        "",
    ]
    moments = Moment.objects.filter(line__exercise=exercise).select_related("line")
    for moment in moments.order_by("line__pseudonym", "on", "pk"):
        kind = MomentKind(moment.kind).label
        out.append(
            f"## {moment.line.pseudonym} · {moment.on.isoformat()} · {kind} · {moment.title}"
        )
        tags = [
            content.get(k).title
            for k in (moment.level, moment.principle, moment.condition, moment.knowledge)
            if k
        ]
        if tags:
            out.append(_("Tags") + ": " + "; ".join(tags))
        if moment.story:
            out += ["", moment.story]
        for q, field in zip(
            QUESTIONS, ("answer_peaks", "answer_valleys", "answer_red_thread"), strict=True
        ):
            answer = getattr(moment, field)
            if answer:
                out += ["", questions[q], answer]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
