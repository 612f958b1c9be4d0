"""Where history lines meet the rest of the network's data.

- The scan's results page links each principle to the moments tagged with it.
- A study's history-line stories arrive in the study as material, kept up to date.
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

    add_material(
        study=exercise.study,  # type: ignore[arg-type]
        kind=DocumentKind.HISTORY_STORY,
        title=_("History line: %(title)s") % {"title": exercise.title},
        text=stories_text(exercise),
        source=_("History-line exercise"),
        origin_ref=f"historyline-exercise:{exercise.pk}",
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
    for model in (Moment, Line):
        post_save.connect(_stories_changed, sender=model, dispatch_uid=f"stories-{model.__name__}")
        post_delete.connect(
            _stories_changed, sender=model, dispatch_uid=f"stories-del-{model.__name__}"
        )
