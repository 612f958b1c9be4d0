"""The scan's results page links a principle to the coded fragments of the studies in which the
network is a case — shown only to the researchers of those studies, who may open them."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from verbindend.analysis.models import Code
from verbindend.core import policy


def fragments_for_principle(network: Any, principle_key: str, user: Any) -> list[Any]:
    from verbindend.scan.links import Link
    from verbindend.studies.models import Case

    studies = [
        case.study
        for case in Case.objects.agreed().filter(network=network).select_related("study")
        if policy.can(user, "analysis.view", case.study)
    ]
    codes = (
        Code.objects.filter(study__in=studies, method_key=principle_key)
        .annotate(n=Count("codings"))
        .filter(n__gt=0)
        .select_related("study")
    )
    return [
        Link(
            title=ngettext(
                "%(n)s coded fragment in %(study)s", "%(n)s coded fragments in %(study)s", code.n
            )
            % {"n": code.n, "study": code.study.name},
            url=reverse("analysis:fragments", args=[code.study.slug])
            + "?"
            + urlencode({"code": str(code.uuid)}),
            kind=_("Coded fragments"),
        )
        for code in codes
    ]


def _follow_replaced_text(sender: Any, document: Any, old_text: str, **kwargs: Any) -> None:
    from verbindend.analysis.realign import realign

    realign(document=document, old_text=old_text)


def connect() -> None:
    from verbindend.scan import links
    from verbindend.studies.signals import text_replaced

    links.register("analysis", fragments_for_principle, per_viewer=True)
    text_replaced.connect(_follow_replaced_text, dispatch_uid="analysis.realign")
