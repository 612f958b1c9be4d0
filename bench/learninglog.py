"""The learning log of a busy network: the overview (counts per condition, filters, a page of
entries) and the knowledge-carrier map, over HTTP.

Baselines in the same run: the health check (a bare round trip to the server) and the entries'
CSV export (the same rows read and written out, no counting, no page).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from bench._common import (
    emit,
    fresh_database,
    median,
    percentile,
    server,
    setup_django,
    size,
    timed_gets,
)

ENTRIES = size(5000, 100)
CARRIERS = size(60, 6)
REQUESTS = size(30, 3)
SLUG = "bench-log"


def build() -> str:
    from django.test import Client

    from verbindend.accounts.services import grant_network_role
    from verbindend.learninglog.models import Carrier, Entry, LearningGoal
    from verbindend.method import content
    from verbindend.networks.models import Network
    from verbindend.testing.personas import make_user

    rng = random.Random(7)
    network = Network.objects.create(name="Bench", slug=SLUG)
    goals = [LearningGoal.objects.create(network=network, title=f"Doel {i}") for i in range(8)]
    levels = [n.key for n in content.of_kind("level")]
    types = [n.key for n in content.of_kind("knowledge_type")]
    entries = []
    for i in range(ENTRIES):
        reached = rng.randint(0, 4)
        texts = ["Aanwijzing " * 10 if n < reached else "" for n in range(4)]
        entry = Entry(
            network=network,
            title=f"Verandering {i}",
            change="Wat we nu anders doen. " * 8,
            happened_on=date(2020, 1, 1) + timedelta(days=rng.randint(0, 2000)),
            goal=rng.choice(goals),
            levels=rng.sample(levels, rng.randint(1, 2)),
            knowledge_types=rng.sample(types, rng.randint(1, 2)),
            evidence_learned=texts[0],
            evidence_shared=texts[1],
            evidence_behaviour=texts[2],
            evidence_anchored=texts[3],
        )
        entry.reached = entry.compute_reached()  # bulk_create skips save()
        entries.append(entry)
    Entry.objects.bulk_create(entries, batch_size=500)
    kinds = ["person", "system", "organisational"]
    Carrier.objects.bulk_create(
        Carrier(
            network=network,
            kind=kinds[i % 3],
            name=f"Drager {i}",
            knowledge_types=rng.sample(types, rng.randint(1, 3)),
        )
        for i in range(CARRIERS)
    )
    user = make_user("bench-log@example.org")
    grant_network_role(user=user, network=network, role="coordinator")
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def main() -> None:
    with fresh_database() as url:
        setup_django(url)
        cookie = build()
        with server(url) as base:
            log = f"{base}/log/network/{SLUG}/"
            timed_gets(log, cookie, 2)  # warm up
            overview = timed_gets(log, cookie, REQUESTS)
            filtered = timed_gets(f"{log}?level=level.network&reached=2&page=3", cookie, REQUESTS)
            carriers = timed_gets(f"{log}carriers/", cookie, REQUESTS)
            csv = timed_gets(f"{log}entries.csv", cookie, REQUESTS)
            health = timed_gets(f"{base}/healthz", cookie, REQUESTS)
    emit(
        {
            "bench": "learninglog",
            "entries": ENTRIES,
            "carriers": CARRIERS,
            "overview_ms": round(median(overview), 1),
            "overview_p95_ms": round(percentile(overview, 95), 1),
            "filtered_page_ms": round(median(filtered), 1),
            "carrier_map_ms": round(median(carriers), 1),
            "baseline_entries_csv_ms": round(median(csv), 1),
            "baseline_healthz_ms": round(median(health), 1),
            "requests": REQUESTS,
        }
    )


if __name__ == "__main__":
    main()
