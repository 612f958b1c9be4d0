"""Where the learning log meets the rest of the network's data: the scan's results page links
each principle to the learning goals and log entries that serve it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from verbindend.learninglog.models import Entry, LearningGoal

LIMIT = 20


def for_principle(network: Any, principle_key: str) -> list[Any]:
    from verbindend.scan.links import Link

    links: list[Link] = [
        Link(title=goal.title, url=goal.get_absolute_url(), kind=_("Learning goal"))
        for goal in LearningGoal.objects.filter(network=network)
        if principle_key in goal.principles
    ]
    entries = Entry.objects.filter(network=network).select_related("goal")
    for entry in entries.order_by("-happened_on", "-pk"):
        if len(links) >= LIMIT:
            break
        if principle_key in entry.principles or (
            entry.goal is not None and principle_key in entry.goal.principles
        ):
            links.append(
                Link(
                    title=f"{entry.title} ({entry.happened_on:%Y-%m})",
                    url=entry.get_absolute_url(),
                    kind=_("Learning log entry"),
                )
            )
    return links[:LIMIT]


def connect() -> None:
    from verbindend.scan import links

    links.register("learninglog", for_principle)
