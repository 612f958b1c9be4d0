"""The network report's profile section: the network, its organisations and its composition.

People are never listed by name here: members and observers read reports, and may not see the
people list. The composition is counted per attribute; the disclosure engine decides which
groups may be shown (see ``docs/privacy.md``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from verbindend.core import disclosure
from verbindend.networks import counts
from verbindend.networks.models import (
    Engagement,
    LeadRole,
    OrganisationMembership,
    Person,
    Sector,
    Tenure,
)
from verbindend.reports.sections import ReportRequest, ReportSection

EVERYONE = ("__all__",)

ATTRIBUTES = (
    ("lead_role", _("Trekker or follower"), LeadRole),
    ("engagement", _("Professional or volunteer"), Engagement),
    ("tenure", _("Newcomer or long-standing"), Tenure),
)


@dataclass(frozen=True)
class Composition:
    """The composition last released on or before a day: its day, head count and decision."""

    counted_on: date | None
    people: int
    decision: disclosure.Decision


def composition(
    rows: Sequence[tuple[int, date | None, dict[str, str]]], day: date, k: int
) -> Composition:
    """Which attribute groups may be counted on ``day``, decided by the disclosure engine.

    A report can be asked for any day, so the composition is released like scan results: as
    snapshots, a new one only once at least k more people are involved than in the last (so
    comparing two days never singles out a newcomer) and only when it shows no fewer groups.
    Every attribute's groups and the snapshot's total are checked together and against every
    earlier snapshot; each report replays the same releases. ``rows`` holds (person, involved
    since, attribute values).
    """
    days = sorted({since for _, since, _ in rows if since is not None and since <= day})
    published: list[frozenset[int]] = []
    released = Composition(None, 0, disclosure.Decision(k=k, shown=[]))
    for moment in [*days, day]:
        everyone = frozenset(pk for pk, since, _ in rows if since is None or since <= moment)
        if released.counted_on is not None and len(everyone) - released.people < k:
            continue
        cells = [disclosure.Cell(EVERYONE, everyone, keep=True)]
        for field, _label, _choices in ATTRIBUTES:
            groups: dict[str, set[int]] = {}
            for pk, _since, values in rows:
                if pk in everyone and values[field]:
                    groups.setdefault(values[field], set()).add(pk)
            cells += [
                disclosure.Cell((field, value), frozenset(members))
                for value, members in groups.items()
            ]
        decision = disclosure.publish(cells, k=k, published=published)
        if released.counted_on is not None and len(decision.shown) < len(released.decision.shown):
            continue  # a new count would show less than the last one: keep the last one
        published += [cell.members for cell in decision.shown]
        released = Composition(moment, len(everyone), decision)
    return released


def build(request: ReportRequest) -> dict[str, Any]:
    network = request.network
    k = disclosure.effective_k(network.k_threshold)
    day = counts.reference_day(request.end)
    rows = list(counts.memberships(network, on=day).select_related("organisation"))
    left = OrganisationMembership.objects.filter(network=network, left_on__lt=day)
    if request.start:
        left = left.filter(left_on__gte=request.start)
    left_rows = list(left.select_related("organisation"))
    sectors = dict(Sector.choices)
    by_sector = Counter(m.organisation.sector for m in rows)
    people = counts.people(network, on=day)
    fields = [field for field, _label, _choices in ATTRIBUTES]
    people_rows = [
        (pk, since, dict(zip(fields, values, strict=True)))
        for pk, since, *values in Person.objects.filter(network=network).values_list(
            "pk", "involved_since", *fields
        )
    ]
    released = composition(people_rows, day, k)
    decision = released.decision
    sizes = {
        cell.key: cell.size
        for cell in [*decision.shown, *decision.too_small, *decision.complementary]
    }
    composition_rows = []
    for field, label, choices in ATTRIBUTES:
        names = dict(choices.choices)
        values = sorted(key[1] for key in sizes if isinstance(key, tuple) and key[0] == field)
        composition_rows.append(
            {
                "label": label,
                "groups": [
                    (
                        str(names.get(value, value)),
                        sizes[(field, value)] if decision.allows((field, value)) else None,
                    )
                    for value in values
                ],
            }
        )
    return {
        "network": network,
        "memberships": rows,
        "organisation_count": counts.organisation_count(network, on=day),
        "counted_on": day,
        "left": left_rows,
        "sectors": [
            (str(sectors.get(value, value)) if value else None, n)
            for value, n in sorted(by_sector.items(), key=lambda item: (-item[1], item[0]))
        ],
        "people": people.count(),
        "composition": composition_rows,
        "composition_day": released.counted_on,
        "composition_people": released.people,
        "k": k,
    }


SECTIONS = [
    ReportSection(
        key="profile",
        title=_("Network profile"),
        order=10,
        template="reports/sections/profile.html",
        build=build,
    )
]


def roles(request: ReportRequest) -> dict[str, Any]:
    """The roles the network described and valued, with who holds them now."""
    from django.utils import timezone

    from verbindend.networks.models import Role

    today = timezone.localdate()
    found = []
    for role in Role.objects.filter(network=request.network).prefetch_related("holders__person"):
        holders = [
            {"name": h.person.name, "since": h.since}
            for h in role.holders.all()
            if h.until is None or h.until > today
        ]
        found.append(
            {
                "title": role.title,
                "description": role.description,
                "valued_for": role.valued_for,
                "rotation": role.rotation,
                "holders": holders,
            }
        )
    return {"roles": found}


SECTIONS.append(
    ReportSection(
        key="roles",
        title=_("Roles in the network"),
        order=75,
        template="networks/report/roles.html",
        build=roles,
    )
)
