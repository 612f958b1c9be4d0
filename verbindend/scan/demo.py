"""Demo scan rounds: last year's, a recent closed one (radar and trend) and one that is open."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from verbindend.networks.models import (
    Engagement,
    LeadRole,
    Network,
    OrganisationMembership,
    Tenure,
)
from verbindend.scan.models import Answer, Comment, Response, Round, principle_of
from verbindend.scan.services import current_items
from verbindend.studies.models import Study

# per principle: (typical score, spread) — a network that acts together well but rarely names
# what it learns, and where newcomers and long-standing members see diversity differently
PROFILE = {
    "principle.p1": (4.0, 0.7),
    "principle.p2": (2.6, 0.8),
    "principle.p3": (3.7, 0.7),
    "principle.p4": (3.0, 1.3),
    "principle.p5": (3.3, 0.8),
}
COMMENTS = [
    ("principle.p1", "De gezamenlijke opendeurdag was voor veel collega's een eye-opener."),
    ("principle.p2", "We praten over wat we doen, zelden over wat we eruit leren."),
    ("principle.p2", "Een vast moment om stil te staan bij veranderingen zou helpen."),
    ("principle.p4", "Nieuwe leden vinden moeilijk hun plek in de werkgroepen."),
    ("principle.p5", "Vorming rond coachend leidinggeven staat al lang op het verlanglijstje."),
]


def _fill(round_: Round, *, count: int, lift: float, rng: random.Random) -> None:
    orgs = [
        m.organisation
        for m in OrganisationMembership.objects.filter(network=round_.network)
        .current()
        .select_related("organisation")
    ]
    # most answers come from four organisations, a few from the smaller ones
    weights = [8, 7, 6, 6] + [1] * (len(orgs) - 4)
    answers = []
    for i in range(count):
        org = rng.choices(orgs, weights=weights[: len(orgs)])[0] if orgs else None
        response = Response.objects.create(
            round=round_,
            organisation=org,
            organisation_name=org.name if org else "",
            lead_role=LeadRole.TREKKER if i % 5 == 0 else LeadRole.FOLLOWER,
            engagement=Engagement.VOLUNTEER if i % 4 == 3 else Engagement.PROFESSIONAL,
            tenure=Tenure.NEWCOMER if i % 3 == 0 else Tenure.LONG_STANDING,
            finished_at=timezone.now(),
            verified=True,  # the demo's members answered by their personal links
        )
        for item in round_.item_keys:
            principle = principle_of(item)
            centre, spread = PROFILE.get(principle, (3.0, 1.0))
            if principle == "principle.p4" and response.tenure == Tenure.NEWCOMER:
                centre -= 0.8
            value: int | None = round(rng.gauss(centre + lift, spread))
            value = min(5, max(1, value))  # type: ignore[type-var]
            if rng.random() < 0.05:
                value = None
            answers.append(
                Answer(
                    response=response,
                    round=round_,
                    item_key=item,
                    principle_key=principle,
                    value=value,
                )
            )
        if i < len(COMMENTS):
            principle, text = COMMENTS[i]
            Comment.objects.create(response=response, principle_key=principle, text=text)
    Answer.objects.bulk_create(answers)


def extend_demo(*, network: Network, study: Study) -> None:
    if Round.objects.filter(network=network).exists():
        return
    rng = random.Random(11)
    today = timezone.localdate()
    items = current_items()
    from verbindend.method import content

    def make(title: str, start: int, length: int, closed: bool) -> Round:
        return Round.objects.create(
            network=network,
            title=title,
            opens_on=today - timedelta(days=start),
            closes_on=today - timedelta(days=start) + timedelta(days=length),
            k=5,
            show_breakdowns=True,
            content_version=content.version(),
            item_keys=items,
            closed_at=timezone.now() - timedelta(days=max(start - length, 1)) if closed else None,
        )

    earlier = make(f"Scan {today.year - 1}", 400, 21, True)
    _fill(earlier, count=31, lift=-0.3, rng=rng)
    recent = make(f"Scan {today.year}", 45, 21, True)
    _fill(recent, count=40, lift=0.0, rng=rng)
    current = make(f"Scan {today.year} — najaar", 3, 21, False)
    _fill(current, count=6, lift=0.1, rng=rng)
