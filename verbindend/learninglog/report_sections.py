"""The learning log's sections of a network learning report (see ``reports/sections.py``)."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbindend.learninglog import carriers, services
from verbindend.learninglog.models import CONDITIONS, Carrier, Entry, EntryStatus, LearningGoal
from verbindend.method import content
from verbindend.reports.sections import ReportRequest, ReportSection

ENTRY_LIMIT = 200


def _titles(keys: list[str]) -> list[str]:
    return [content.get(k).title for k in keys if content.exists(k)]


def learning_goals(request: ReportRequest) -> dict[str, Any]:
    with translation.override(request.language):
        goals = []
        for goal in LearningGoal.objects.filter(network=request.network).prefetch_related(
            "revisits"
        ):
            revisits = [r for r in goal.revisits.all() if request.covers(r.on)]
            entries = [
                e
                for e in goal.entries.filter(status=EntryStatus.RECORDED)
                if request.covers(e.happened_on)
            ]
            goals.append(
                {
                    "title": goal.title,
                    "description": goal.description,
                    "status": str(goal.get_status_display()),
                    "principles": _titles(goal.principles),
                    "revisits": [
                        {
                            "on": r.on,
                            "progress": str(r.get_progress_display()),
                            "note": r.note,
                        }
                        for r in revisits
                    ],
                    "entries": len(entries),
                    "anchored": sum(1 for e in entries if e.reached == len(CONDITIONS)),
                }
            )
        return {"goals": goals}


def learning_log(request: ReportRequest) -> dict[str, Any]:
    with translation.override(request.language):
        entries = [
            e
            for e in Entry.objects.filter(
                network=request.network, status=EntryStatus.RECORDED
            ).select_related("goal")
            if request.covers(e.happened_on)
        ]
        entries.sort(key=lambda e: (e.happened_on, e.pk))
        counts = [
            {
                "number": i + 1,
                "title": content.get(key).title,
                "count": sum(1 for e in entries if e.reached >= i + 1),
            }
            for i, key in enumerate(CONDITIONS)
        ]
        rows = [
            {
                "title": e.title,
                "on": e.happened_on,
                "goal": e.goal.title if e.goal else "",
                "levels": _titles(e.levels),
                "knowledge_types": _titles(e.knowledge_types),
                "reached": e.reached,
                "reached_title": content.get(CONDITIONS[e.reached - 1]).title if e.reached else "",
                "next_step": content.get(services.next_step_key(e)).title,
                "anchored_in": _titles(e.anchor_places),
            }
            for e in entries[: request.limit(ENTRY_LIMIT)]
        ]
        return {
            "entries": rows,
            "total": len(entries),
            "shown": len(rows),
            "counts": counts,
        }


def knowledge_carriers(request: ReportRequest) -> dict[str, Any]:
    with translation.override(request.language):
        known = Carrier.objects.filter(network=request.network).select_related("person")
        if request.end:  # the map as it stood at the period's end
            known = known.filter(created_at__date__lte=request.end)
        found = carriers.build(list(known))
        title = _("Knowledge carriers of %(network)s") % {"network": request.network.name}
        return {
            "types": [
                {
                    "title": t.title,
                    "people": list(t.people),
                    "systems": list(t.systems),
                    "organisational": list(t.organisational),
                    "risk": t.risk_label,
                    "risk_class": t.risk_class,
                }
                for t in found.types
            ],
            "carriers": [
                {
                    "name": row.carrier.name,
                    "kind": str(row.carrier.get_kind_display()),
                    "types": list(row.types),
                    "sole_for": list(row.sole_for),
                    "risk": row.risk_label,
                    "if_it_leaves": row.leaving_text,
                }
                for row in found.carriers
            ],
            "svg": carriers.svg(found, title=title),
            "empty": found.empty,
        }


def milestones(request: ReportRequest) -> dict[str, Any]:
    """Changes that reached "anchored" and goals reached in the period: the moments to celebrate."""
    from verbindend.learninglog.models import Milestone

    found = [
        m
        for m in Milestone.objects.filter(network=request.network).order_by("reached_on", "pk")
        if request.covers(m.reached_on)
    ]
    return {
        "milestones": [
            {"title": m.title, "reached_on": m.reached_on, "celebrated_in": m.celebrate_in}
            for m in found
        ]
    }


SECTIONS = [
    ReportSection(
        key="milestones",
        title=gettext_lazy("Milestones to celebrate"),
        order=55,
        template="learninglog/report/milestones.html",
        build=milestones,
    ),
    ReportSection(
        key="learning_goals",
        title=gettext_lazy("Learning goals"),
        order=20,
        template="learninglog/report/learning_goals.html",
        build=learning_goals,
    ),
    ReportSection(
        key="learning_log",
        title=gettext_lazy("Changes and learning"),
        order=60,
        template="learninglog/report/learning_log.html",
        build=learning_log,
    ),
    ReportSection(
        key="knowledge_carriers",
        title=gettext_lazy("Knowledge carriers"),
        order=70,
        template="learninglog/report/knowledge_carriers.html",
        build=knowledge_carriers,
    ),
]
