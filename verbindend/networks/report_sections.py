"""The network report's profile section: the network, its organisations and its composition.

People are never listed by name here: members and observers read reports, and may not see the
people list. The composition is counted per attribute with the network's small-group rule.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils.translation import gettext_lazy as _

from verbindend.networks import counts
from verbindend.networks.models import (
    Engagement,
    LeadRole,
    OrganisationMembership,
    Sector,
    Tenure,
)
from verbindend.reports.sections import ReportRequest, ReportSection

ATTRIBUTES = (
    ("lead_role", _("Trekker or follower"), LeadRole),
    ("engagement", _("Professional or volunteer"), Engagement),
    ("tenure", _("Newcomer or long-standing"), Tenure),
)


def small_groups_hidden(counts: dict[str, int], k: int) -> list[tuple[str, int | None]]:
    """Counts per stated value; a group under k is hidden, and so is the next smallest while
    the hidden people (small groups plus those who stated nothing) number between 1 and k − 1,
    so nobody can be counted by subtracting the shown groups from the total."""
    stated = {value: n for value, n in counts.items() if value}
    shown = {value for value, n in stated.items() if n >= k}
    total = sum(counts.values())
    while shown:
        hidden = total - sum(stated[value] for value in shown)
        if not 0 < hidden < k:
            break
        shown.discard(min(shown, key=lambda value: (stated[value], value)))
    return [(value, n if value in shown else None) for value, n in sorted(stated.items())]


def build(request: ReportRequest) -> dict[str, Any]:
    network = request.network
    k = max(5, network.k_threshold)
    day = counts.reference_day(request.end)
    rows = list(counts.memberships(network, on=day).select_related("organisation"))
    left = OrganisationMembership.objects.filter(network=network, left_on__lt=day)
    if request.start:
        left = left.filter(left_on__gte=request.start)
    left_rows = list(left.select_related("organisation"))
    sectors = dict(Sector.choices)
    by_sector = Counter(m.organisation.sector for m in rows)
    people = counts.people(network, on=day)
    composition = []
    for field, label, choices in ATTRIBUTES:
        found = Counter(people.values_list(field, flat=True))
        names = dict(choices.choices)
        composition.append(
            {
                "label": label,
                "groups": [
                    (str(names.get(value, value)), n)
                    for value, n in small_groups_hidden(dict(found), k)
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
        "composition": composition,
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
