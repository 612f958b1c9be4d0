"""What the scan adds to the shared seams: its tab, the "fill in the scan" task, the shared code
in the join box, and the notice when a round opens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbindend.core import home, joining, navigation
from verbindend.core.navigation import Tab


def connect() -> None:
    navigation.register(
        Tab("scan", gettext_lazy("Scan"), "scan:network", "scans.view", ("scan:",), order=40)
    )
    # "scan.open_rounds" and "scan.opened" name a task and a notice, not method content
    home.register("scan.open_rounds", open_rounds)  # method-key: ignore
    joining.register("scan", shared_code)
    from verbindend.core import panels

    panels.register("scan", organisation_panel)
    from verbindend.notices import kinds

    opened = "scan.opened"  # method-key: ignore
    kinds.register(opened, gettext_lazy("A scan round opens"), order=20)


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
            % {"day": date_format(round_.closes_on, "DATE_FORMAT")},
            due=round_.closes_on,
            order=20,
        )


def organisation_breakdown(round_: Any, organisation: Any) -> Any:
    """The organisation's own scores in a round, when the disclosure rule shows its group.

    One call decides: today the scan's small-group rule (`results.for_round`, which hides small
    groups and groups that would reveal one by difference); a shared engine can replace it here.
    """
    from verbindend.scan import results

    if not round_.show_breakdowns or not round_.results_available:
        return None
    result = results.for_round(round_)
    if result.suppressed:
        return None
    return next(
        (g for g in result.groups_of("organisation") if g.value == str(organisation.pk)), None
    )


def organisation_panel(user: Any, network: Any, organisation: Any) -> Any:
    from verbindend.core import policy
    from verbindend.core.panels import Panel
    from verbindend.method import content
    from verbindend.scan.models import Round

    if not policy.can(user, "scans.view", network):
        return None
    rounds = [r for r in Round.objects.filter(network=network) if r.results_available]
    latest = rounds[0] if rounds else None
    group = organisation_breakdown(latest, organisation) if latest else None
    rows = []
    if group is not None:
        for key in latest.principle_keys():  # type: ignore[union-attr]
            mean = group.means.get(key)
            rows.append((content.get(key).title, None if mean is None else round(mean, 1)))
    return Panel(
        "scan",
        gettext_lazy("Scan: this organisation's scores"),
        "scan/organisation_panel.html",
        {"round": latest, "group": group, "rows": rows},
        order=40,
    )
