"""What the scan adds to the shared seams: its tab, the "fill in the scan" task, the shared code
in the join box, and the notice when a round opens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbindend.core import home, joining, navigation
from verbindend.core.navigation import Tab


def connect() -> None:
    navigation.register(
        Tab("scan", gettext_lazy("Scan"), "scan:network", "scans.view", ("scan:",), order=40)
    )
    home.register("scan.open_rounds", open_rounds)
    joining.register("scan", shared_code)
    from verbindend.notices import kinds

    kinds.register("scan.opened", gettext_lazy("A scan round opens"), order=20)


def shared_code(request: HttpRequest, code: str) -> str | None:
    """A round's shared code leads to its answer page (which explains when it is not open)."""
    from verbindend.scan.models import Round

    cleaned = code.strip().upper()
    if not cleaned or len(cleaned) > 12:
        return None
    if not Round.objects.filter(code=cleaned).exists():
        return None
    return reverse("scan:start", args=["c", cleaned])


def open_rounds(user: Any) -> Iterator[home.Task]:
    """A round the member has not finished: one button that opens their own answer form."""
    from verbindend.scan import services

    for round_, invitation in services.open_rounds_for(user):
        response = getattr(invitation, "response", None) if invitation else None
        if response is not None and response.finished_at is not None:
            continue
        yield home.Task(
            kind="scan",
            title=_("Fill in the scan “%(round)s”") % {"round": round_.title},
            where=round_.network.name,
            url=reverse("scan:mine", args=[round_.network.slug, round_.pk]),
            action=_("Continue the scan") if response is not None else _("Fill in the scan"),
            detail=_("Open until %(day)s; about ten minutes.")
            % {"day": round_.closes_on.strftime("%d-%m-%Y")},
            due=round_.closes_on,
            order=20,
        )
