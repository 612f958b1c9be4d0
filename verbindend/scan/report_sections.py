"""The network report's scan section: the latest round of the period and the trend over rounds.

Figures come from ``scan.results`` exactly as the results page shows them (the same small-group
rule, the same suppression of rounds and principles under k) and the charts from ``scan.charts``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbindend.reports.sections import ReportRequest, ReportSection
from verbindend.scan import charts, results
from verbindend.scan.models import Round


def build(request: ReportRequest) -> dict[str, Any]:
    rounds = [
        r
        for r in Round.objects.filter(network=request.network).select_related("network")
        if request.covers(r.opens_on) and r.results_available
    ]
    if not rounds:
        return {"round": None}
    latest = rounds[0]  # newest first
    result = results.for_round(latest)
    keys = [p.key for p in result.principles]
    trend = results.trend(rounds, keys)
    return {
        "round": latest,
        "result": result,
        "radar": charts.of_round(latest.title, result),
        "dimensions": [
            (dimension, result.groups_of(dimension))
            for dimension in results.DIMENSIONS
            if result.groups_of(dimension)
        ],
        "trend": trend,
        "trend_chart": charts.trend(
            _("Over time"), [row.round.title for row in trend], keys, [row.means for row in trend]
        )
        if len(trend) > 1
        else "",
    }


SECTIONS = [
    ReportSection(
        key="scan",
        title=gettext_lazy("Scan results"),
        order=30,
        template="reports/sections/scan.html",
        build=build,
    )
]
