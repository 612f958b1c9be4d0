"""Reads for comment threads and the open-comments panel on a study's overview."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from verbindend.core import overview, policy
from verbindend.research.models import Comment


def threads(study: Any, target: str, report: Any = None) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(study=study, target=target, report=report, parent__isnull=True)
        .select_related("author", "resolved_by", "report")
        .prefetch_related("replies__author")
    )


def open_threads(study: Any) -> QuerySet[Comment]:
    return Comment.objects.filter(
        study=study, parent__isnull=True, resolved_at__isnull=True
    ).select_related("author", "report")


def overview_panel(scope: Any, user: Any) -> overview.Panel | None:
    """Open threads, for the study's researchers (who answer and resolve them)."""
    from verbindend.studies.models import Study

    if not isinstance(scope, Study) or not policy.can(user, "comments.resolve", scope):
        return None
    return overview.Panel(
        title=_("Open comments from the guidance committee"),
        template="research/_open_comments.html",
        context={"threads": list(open_threads(scope)[:20]), "study": scope},
    )
