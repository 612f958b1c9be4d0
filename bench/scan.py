"""Scan results page over HTTP on loopback: 2,000 respondents × every item, 5 earlier rounds.

Seeds a network with 12 organisations and six rounds of ``respondents`` each (five closed, the
current one open with its results released), then requests the current round's results page as
its coordinator. ``results_p95_ms`` is the worst case: before every request the round's revision
is bumped, as a newly saved answer does, so its figures are computed again each time (the five
earlier, closed rounds in the trend come from the cache). ``results_first_ms`` is the very first
request (all six rounds computed); ``results_unchanged_p95_ms`` the page while no answer changes.

Baselines measured in the same run:
- ``healthz_p95_ms``: the server's floor (a trivial view over the same HTTP path);
- ``aggregate_query_ms``: the GROUP BY query behind the figures, alone, in process;
- ``naive_loop_ms``: the same figures computed the naive way (every answer loaded into Python).
Also ``closed_round_p95_ms``: the page of the latest closed round.
"""

from __future__ import annotations

import random
import statistics
import time
import urllib.request
from datetime import timedelta

from bench._common import emit, fresh_database, percentile, server, setup_django, size

RESPONDENTS = size(2000, 60)
EARLIER_ROUNDS = 5
REQUESTS = size(40, 5)


def seed() -> tuple[str, str, str, int]:
    """Build the data; returns (session cookie, current round URL, closed round URL, answers)."""
    from django.test import Client
    from django.utils import timezone

    from verbindend.accounts.models import User
    from verbindend.accounts.services import grant_network_role
    from verbindend.networks.models import Network, Organisation, OrganisationMembership
    from verbindend.scan.models import Answer, Response, Round, principle_of
    from verbindend.scan.services import current_items

    rng = random.Random(5)
    network = Network.objects.create(name="Benchnetwerk", slug="bench")
    orgs = []
    for i in range(12):
        org = Organisation.objects.create(name=f"Organisatie {i + 1}")
        OrganisationMembership.objects.create(network=network, organisation=org)
        orgs.append(org)
    user = User.objects.create_user(username="c@bench.test", email="c@bench.test")
    grant_network_role(user=user, network=network, role="coordinator")
    items = current_items()
    today = timezone.localdate()
    total = 0
    rounds = []
    for n in range(EARLIER_ROUNDS + 1):
        current = n == EARLIER_ROUNDS
        start = today - timedelta(days=365 * (EARLIER_ROUNDS - n) + 10)
        round_ = Round.objects.create(
            network=network,
            title=f"Ronde {n + 1}",
            opens_on=start,
            closes_on=start + timedelta(days=30),
            k=5,
            content_version="bench",
            item_keys=items,
            released=current,
            closed_at=None if current else timezone.now(),
        )
        rounds.append(round_)
        responses = Response.objects.bulk_create(
            Response(
                round=round_,
                organisation=orgs[i % len(orgs)],
                organisation_name=orgs[i % len(orgs)].name,
                lead_role=rng.choice(["trekker", "follower"]),
                engagement=rng.choice(["professional", "volunteer"]),
                tenure=rng.choice(["newcomer", "long_standing"]),
                verified=True,
            )
            for i in range(RESPONDENTS)
        )
        answers = [
            Answer(
                response=response,
                round=round_,
                item_key=item,
                principle_key=principle_of(item),
                value=rng.choice([1, 2, 3, 4, 5, 3, 4, None]),
            )
            for response in responses
            for item in items
        ]
        Answer.objects.bulk_create(answers, batch_size=5000)
        if current:
            total = len(answers)
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"].value
    return cookie, rounds[-1].get_absolute_url(), rounds[-2].get_absolute_url(), total


def timed_get(url: str, cookie: str) -> float:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
        assert response.status == 200, response.status
    elapsed = (time.perf_counter() - start) * 1000
    assert b"<svg" in body or url.endswith("/healthz")
    return elapsed


def baselines() -> tuple[float, float]:
    """The aggregate query alone, and the naive per-answer Python loop (both in process)."""
    from collections import defaultdict

    from django.db.models import Count, Sum

    from verbindend.scan.models import Answer, Round

    round_ = Round.objects.get(released=True)
    start = time.perf_counter()
    list(
        Answer.objects.filter(round=round_, value__isnull=False)
        .values_list("response_id", "principle_key")
        .annotate(total=Sum("value"), count=Count("value"))
        .order_by()
    )
    query_ms = (time.perf_counter() - start) * 1000

    start = time.perf_counter()
    per: dict[tuple[str, int], list[int]] = defaultdict(list)
    for answer in Answer.objects.filter(response__round=round_).select_related("response"):
        if answer.value is not None:
            per[(answer.principle_key, answer.response.pk)].append(answer.value)
    by_principle: dict[str, list[float]] = defaultdict(list)
    for (principle, _response), values in per.items():
        by_principle[principle].append(sum(values) / len(values))
    {p: (statistics.fmean(s), statistics.median(s)) for p, s in by_principle.items()}
    naive_ms = (time.perf_counter() - start) * 1000
    return query_ms, naive_ms


def new_answers_arrived() -> None:
    """What a saved answer does to the round: its results must be computed again."""
    from django.db.models import F

    from verbindend.scan.models import Round

    Round.objects.filter(released=True).update(revision=F("revision") + 1)


def main() -> None:
    with fresh_database() as url:
        setup_django(url)
        started = time.perf_counter()
        cookie, current_url, closed_url, answers = seed()
        seed_s = time.perf_counter() - started
        query_ms, naive_ms = baselines()
        with server(url) as base:
            first = timed_get(base + current_url, cookie)  # also computes the 5 earlier rounds
            healthz = [timed_get(base + "/healthz", cookie) for _ in range(REQUESTS)]
            recomputed = []
            for _ in range(REQUESTS):
                new_answers_arrived()
                recomputed.append(timed_get(base + current_url, cookie))
            unchanged = [timed_get(base + current_url, cookie) for _ in range(REQUESTS)]
            closed = [timed_get(base + closed_url, cookie) for _ in range(REQUESTS)]
    emit(
        {
            "bench": "scan",
            "respondents": RESPONDENTS,
            "item_answers": answers,
            "earlier_rounds": EARLIER_ROUNDS,
            "requests": REQUESTS,
            "results_p95_ms": round(percentile(recomputed, 95), 1),
            "results_median_ms": round(statistics.median(recomputed), 1),
            "results_first_ms": round(first, 1),
            "results_unchanged_p95_ms": round(percentile(unchanged, 95), 1),
            "closed_round_p95_ms": round(percentile(closed, 95), 1),
            "healthz_p95_ms": round(percentile(healthz, 95), 1),
            "aggregate_query_ms": round(query_ms, 1),
            "naive_loop_ms": round(naive_ms, 1),
            "target_ms": 300,
            "meets_target": percentile(recomputed, 95) <= 300,
            "seed_s": round(seed_s, 1),
        }
    )


if __name__ == "__main__":
    main()
