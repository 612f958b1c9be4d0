"""Head counts of a network, from one place, so the profile page and every report agree.

An organisation counts on a day when one of its membership periods covers that day; a report
counts on the last day of its period (today when the period is open or runs into the future), so a
report without a period says what the profile page says.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from verbindend.networks.models import OrganisationMembership, Person


def reference_day(end: date | None = None) -> date:
    """The day a count is taken: the period's end, never later than today."""
    today = timezone.localdate()
    return min(end, today) if end else today


def memberships(network: Any, *, on: date | None = None) -> QuerySet[OrganisationMembership]:
    """Membership periods that cover ``on`` (default today)."""
    return OrganisationMembership.objects.filter(network=network).current(reference_day(on))


def organisation_count(network: Any, *, on: date | None = None) -> int:
    """How many distinct organisations are members on ``on`` (default today)."""
    return memberships(network, on=on).values("organisation").distinct().count()


def people(network: Any, *, on: date | None = None) -> QuerySet[Person]:
    """People registered in the network and involved by ``on`` (an unknown start counts)."""
    day = reference_day(on)
    return Person.objects.filter(network=network).filter(
        Q(involved_since__isnull=True) | Q(involved_since__lte=day)
    )
