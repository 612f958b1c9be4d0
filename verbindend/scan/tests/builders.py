"""Constructed scan data for tests: rounds and responses written out answer by answer."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from verbindend.networks.models import Network, Organisation, OrganisationMembership
from verbindend.scan.models import Answer, Comment, Response, Round, principle_of

#: A small item set so that figures can be computed by hand: two items of P1, one of P2.
ITEMS = ["scan.p1.s1", "scan.p1.s2", "scan.p2.s1"]


def organisation(network: Network, name: str) -> Organisation:
    org = Organisation.objects.create(name=name)
    OrganisationMembership.objects.create(network=network, organisation=org)
    return org


def make_round(
    network: Network,
    *,
    items: list[str] | None = None,
    k: int = 5,
    closed: bool = True,
    breakdowns: bool = True,
    title: str = "Ronde",
    days_ago: int = 30,
) -> Round:
    today = timezone.localdate()
    return Round.objects.create(
        network=network,
        title=title,
        opens_on=today - timedelta(days=days_ago),
        closes_on=today - timedelta(days=days_ago) + timedelta(days=60),
        k=k,
        show_breakdowns=breakdowns,
        content_version="test",
        item_keys=items or ITEMS,
        closed_at=timezone.now() - timedelta(days=max(days_ago - 20, 0)) if closed else None,
    )


def respond(
    round_: Round,
    values: list[int | None],
    *,
    org: Organisation | None = None,
    lead_role: str = "",
    engagement: str = "",
    tenure: str = "",
    comments: dict[str, str] | None = None,
) -> Response:
    """One response; ``values`` follow the round's item keys (None = "don't know")."""
    response = Response.objects.create(
        round=round_,
        organisation=org,
        organisation_name=org.name if org else "",
        lead_role=lead_role,
        engagement=engagement,
        tenure=tenure,
        verified=True,
    )
    Answer.objects.bulk_create(
        Answer(
            response=response,
            round=round_,
            item_key=key,
            principle_key=principle_of(key),
            value=value,
        )
        for key, value in zip(round_.item_keys, values, strict=True)
    )
    for principle, text in (comments or {}).items():
        Comment.objects.create(response=response, principle_key=principle, text=text)
    return response


def many(round_: Round, count: int, values: list[int | None], **attrs: object) -> list[Response]:
    return [respond(round_, values, **attrs) for _ in range(count)]  # type: ignore[arg-type]
