"""The network report's focus-group section: themes and syntheses of the period's sessions.

Counts and texts come from ``live.synthesis.session_summary``, the same summary the synthesis
page and its exports use: hidden contributions and private letters are left out there, and the
report adds no names or organisations to the texts.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from verbindend.live import synthesis
from verbindend.live.models import LiveSession, Synthesis
from verbindend.reports.sections import ReportRequest, ReportSection


def build(request: ReportRequest) -> dict[str, Any]:
    sessions = [
        s
        for s in LiveSession.objects.filter(network=request.network).order_by("created_at", "pk")
        if request.covers(timezone.localdate(s.created_at))
    ]
    notes = dict(Synthesis.objects.filter(session__in=sessions).values_list("session_id", "notes"))
    out = []
    for session in sessions:
        summary = synthesis.session_summary(session)
        themes: dict[str, list[str]] = {}
        for step in summary.steps:
            for item in step.items:
                if item.theme:
                    themes.setdefault(item.theme, []).append(item.text)
        if not themes and not notes.get(session.pk):
            continue
        sizes = Counter({name: len(texts) for name, texts in themes.items()})
        out.append(
            {
                "session": session,
                "summary": summary,
                "themes": [(name, themes[name]) for name, _n in sizes.most_common()],
                "notes": notes.get(session.pk, ""),
            }
        )
    return {"sessions": out}


SECTIONS = [
    ReportSection(
        key="focus_groups",
        title=gettext_lazy("Focus-group themes"),
        order=50,
        template="reports/sections/focus_groups.html",
        build=build,
    )
]
