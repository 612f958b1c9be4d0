"""Where history lines meet the rest of the network's data.

- The scan's results page links each principle to the moments tagged with it.
- A study's history-line stories arrive in the study as material, kept up to date, and each
  moment's tags (level, principle, condition, knowledge type) become codings of that moment's
  part of the text, made by the facilitator who set up the exercise.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from verbindend.historyline.models import Exercise, Line, Moment


def moments_for_principle(network: Any, principle_key: str) -> list[Any]:
    from verbindend.scan.links import Link

    moments = (
        Moment.objects.filter(line__exercise__network=network, principle=principle_key)
        .select_related("line__exercise")
        .order_by("on")[:20]
    )
    return [
        Link(
            title=f"{m.title} ({m.on:%Y-%m})",
            url=m.line.exercise.get_absolute_url() + "together/",
            kind=_("History-line moment"),
        )
        for m in moments
    ]


def send_stories_to_study(exercise: Exercise) -> None:
    """Idempotent: the study's document for this exercise is replaced by the current stories."""
    if exercise.study_id is None:
        return
    from verbindend.historyline.services import stories_text
    from verbindend.studies.models import DocumentKind
    from verbindend.studies.services import add_material

    document = add_material(
        study=exercise.study,  # type: ignore[arg-type]
        kind=DocumentKind.HISTORY_STORY,
        title=_("History line: %(title)s") % {"title": exercise.title},
        text=stories_text(exercise),
        source=_("History-line exercise"),
        origin_ref=f"historyline-exercise:{exercise.pk}",
    )
    _code_moments(exercise, document)


def moment_spans(exercise: Exercise, text: str) -> list[tuple[int, int, Moment]]:
    """Each moment's block in the stories text: from its heading to the next heading."""
    moments = list(
        Moment.objects.filter(line__exercise=exercise)
        .select_related("line")
        .order_by("line__pseudonym", "on", "pk")
    )
    starts: list[tuple[int, Moment]] = []
    cursor = 0
    for moment in moments:
        heading = f"## {moment.line.pseudonym} · {moment.on.isoformat()} · "
        found = text.find(heading, cursor)
        if found < 0:
            continue
        starts.append((found, moment))
        cursor = found + len(heading)
    spans = []
    for index, (start, moment) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        spans.append((start, len(text[:end].rstrip()), moment))
    return spans


def _code_moments(exercise: Exercise, document: Any) -> None:
    coder = exercise.created_by
    if coder is None:
        return
    from verbindend.analysis import services as analysis
    from verbindend.analysis.models import Coding

    # The text was just replaced: earlier codings of this coder point at old offsets.
    Coding.objects.filter(document=document, coder=coder).delete()
    items = [
        (start, end, key)
        for start, end, moment in moment_spans(exercise, document.text)
        for key in (moment.level, moment.principle, moment.condition, moment.knowledge)
        if key
    ]
    if items:
        analysis.import_codings(
            study=exercise.study,  # type: ignore[arg-type]
            document=document,
            items=items,
            coder=coder,
        )


def _stories_changed(sender: type, instance: Line | Moment, **kwargs: Any) -> None:
    exercise_id = (
        instance.line.exercise_id if isinstance(instance, Moment) else instance.exercise_id
    )
    exercise = Exercise.objects.filter(pk=exercise_id, study__isnull=False).first()
    if exercise is not None:
        transaction.on_commit(lambda: send_stories_to_study(exercise))


def connect() -> None:
    from verbindend.scan import links

    links.register("historyline", moments_for_principle)
    from verbindend.core import panels

    panels.register("historyline", organisation_panel)
    from django.utils.translation import gettext_lazy

    from verbindend.core import navigation

    navigation.register(
        navigation.Tab(
            "history",
            gettext_lazy("History lines"),
            "historyline:network",
            "historyline.view",
            ("historyline:",),
            order=60,
        )
    )
    for model in (Moment, Line):
        post_save.connect(_stories_changed, sender=model, dispatch_uid=f"stories-{model.__name__}")
        post_delete.connect(
            _stories_changed, sender=model, dispatch_uid=f"stories-del-{model.__name__}"
        )


def organisation_panel(user: Any, network: Any, organisation: Any) -> Any:
    """History-line moments whose title or story names the organisation."""
    from django.db.models import Q
    from django.utils.translation import gettext_lazy

    from verbindend.core import policy
    from verbindend.core.panels import Panel

    if not policy.can(user, "historyline.view", network):
        return None
    name = organisation.name
    moments = (
        Moment.objects.filter(line__exercise__network=network)
        .filter(Q(title__icontains=name) | Q(story__icontains=name))
        .select_related("line__exercise")
        .order_by("on", "pk")[:20]
    )
    return Panel(
        "historyline",
        gettext_lazy("Moments in the history line that name it"),
        "historyline/organisation_panel.html",
        {"moments": list(moments)},
        order=25,
    )
