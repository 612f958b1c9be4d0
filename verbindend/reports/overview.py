"""What reports add to the shared seams: the tab, a task when a new report is ready, its notice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbindend.core import home, navigation
from verbindend.core.navigation import Tab

RECENT = timedelta(days=7)


def connect() -> None:
    navigation.register(
        Tab(
            "reports",
            gettext_lazy("Reports"),
            "reports:network",
            "reports.view",
            (
                "reports:network",
                "reports:network_version",
                "reports:network_delete",
                "reports:network_retry",
            ),
            order=80,
        )
    )
    home.register("reports.ready", recent_reports)
    from verbindend.notices import kinds

    kinds.register("report.ready", gettext_lazy("A report you asked for is ready"), order=40)


def recent_reports(user: Any) -> Iterator[home.Task]:
    """Reports finished this week in the user's networks and studies: one click to read."""
    from verbindend.core import policy
    from verbindend.reports.models import ReportStatus, ReportVersion

    since = timezone.now() - RECENT
    versions = (
        ReportVersion.objects.visible_to(user)
        .filter(status=ReportStatus.DONE, finished_at__gte=since)
        .select_related("network", "study")
        .order_by("-finished_at")[:5]
    )
    for version in versions:
        if not policy.can(user, "reports.view", version.scope):
            continue
        yield home.Task(
            kind="report",
            title=_("A new report is ready: %(kind)s") % {"kind": version.get_kind_display()},
            where=version.scope.name,
            url=version.get_absolute_url(),
            action=_("Read the report"),
            detail=_("Finished on %(day)s.")
            % {"day": date_format(timezone.localtime(version.finished_at), "DATE_FORMAT")},
            order=60,
        )
