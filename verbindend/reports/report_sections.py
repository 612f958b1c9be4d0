"""The report's own sections: key figures (every audience) and reflection questions (training).

Key figures count with the same functions the other sections and pages use: organisations and
people through ``networks.counts`` (so the profile page, the profile section and this table say the
same), sessions, exercises and log entries with the same period test (``ReportRequest.covers``).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbindend.core.charts import bar_chart
from verbindend.historyline.models import Exercise
from verbindend.learninglog.models import Entry, EntryStatus, LearningGoal
from verbindend.live.models import LiveSession
from verbindend.method import content
from verbindend.networks import counts
from verbindend.reports.sections import ReportRequest, ReportSection


def _in_period(request: ReportRequest, rows: Any, day: Any) -> int:
    return sum(1 for row in rows if request.covers(day(row)))


def key_figures(request: ReportRequest) -> dict[str, Any]:
    network = request.network
    on = counts.reference_day(request.end)
    with translation.override(request.language):
        figures = [
            ("organisations", _("Member organisations"), counts.organisation_count(network, on=on)),
            ("people", _("People registered"), counts.people(network, on=on).count()),
            (
                "sessions",
                _("Live sessions"),
                _in_period(
                    request,
                    LiveSession.objects.filter(network=network).only("created_at"),
                    lambda s: timezone.localdate(s.created_at),
                ),
            ),
            (
                "exercises",
                _("History-line exercises"),
                _in_period(
                    request,
                    Exercise.objects.filter(network=network).only("created_at"),
                    lambda e: timezone.localdate(e.created_at),
                ),
            ),
            (
                "entries",
                _("Changes recorded in the learning log"),
                _in_period(
                    request,
                    Entry.objects.filter(network=network, status=EntryStatus.RECORDED).only(
                        "happened_on"
                    ),
                    lambda e: e.happened_on,
                ),
            ),
            ("goals", _("Learning goals"), LearningGoal.objects.filter(network=network).count()),
        ]
        short = [_("Sessions"), _("History lines"), _("Log entries")]  # fit the chart's labels
        chart = bar_chart(
            _("Activity in the period"),
            [(label, n) for label, (_key, _long, n) in zip(short, figures[2:5], strict=True)],
        )
    return {"figures": figures, "counted_on": on, "chart": chart}


def reflection_questions(request: ReportRequest) -> dict[str, Any]:
    with translation.override(request.language):
        principles = [
            {
                "title": node.title,
                "summary": node.summary,
                "questions": [q.text("question") for q in node.children("reflection")],
            }
            for node in content.of_kind("principle")
        ]
    return {"principles": principles, "credit": content.credit(request.language)}


SECTIONS = [
    ReportSection(
        key="key_figures",
        title=gettext_lazy("Key figures"),
        order=5,
        template="reports/sections/key_figures.html",
        build=key_figures,
    ),
    ReportSection(
        key="reflection_questions",
        title=gettext_lazy("Questions to reflect on"),
        order=90,
        template="reports/sections/reflection_questions.html",
        build=reflection_questions,
    ),
]
