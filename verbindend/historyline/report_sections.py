"""The network report's history-line section: each exercise of the period drawn together.

The overlay, shared moments and consensus line come from ``historyline.together``, exactly as
the "together" page draws them (whole group only: no breakdown, so no group under k is shown).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbindend.historyline import together
from verbindend.historyline.models import Exercise
from verbindend.reports.sections import ReportRequest, ReportSection


def build(request: ReportRequest) -> dict[str, Any]:
    exercises = [
        e
        for e in Exercise.objects.filter(network=request.network)
        .select_related("network")
        .order_by("created_at", "pk")
        if request.covers(timezone.localdate(e.created_at))
    ]
    out = []
    for exercise in exercises:
        result = together.overlay(exercise)
        out.append(
            {
                "exercise": exercise,
                "lines": len(result.lines),
                "svg": result.svg(
                    title=_("History lines of %(title)s") % {"title": exercise.title}
                ),
                "shared": together.shared_with_lines(result),
            }
        )
    return {"exercises": out}


SECTIONS = [
    ReportSection(
        key="historyline",
        title=gettext_lazy("History lines and shared moments"),
        order=40,
        template="reports/sections/historyline.html",
        build=build,
    )
]
