"""History-line overlay of 50 lines: the picture, shared moments and consensus, over HTTP.

Baselines in the same run: the same lines read and written out as CSV (no geometry, no picture)
and the health check (a bare round trip to the server).
"""

from __future__ import annotations

import math
import random
import time
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

LINES = size(50, 5)
REQUESTS = size(30, 3)
POINTS = 250  # the most a saved line keeps after simplification


def build() -> tuple[int, str]:
    """A network with one exercise and LINES full lines with three moments each."""
    from django.test import Client

    from verbindend.accounts.services import grant_network_role
    from verbindend.historyline import services
    from verbindend.networks.models import Network, Organisation, Person
    from verbindend.testing.personas import make_user

    rng = random.Random(5)
    network = Network.objects.create(name="Bench", slug="bench-historyline")
    organisation = Organisation.objects.create(name="Bench vzw")
    start = date(2012, 1, 1)
    exercise = services.create_exercise(
        scope=network,
        title="Bench",
        start_date=start,
        end_date=date(2025, 1, 1),
        milestones=[{"date": "2018-01-01", "label": "Fusie"}],
    )
    span = exercise.span_days
    for n in range(LINES):
        person = Person.objects.create(
            network=network, name=f"P{n}", organisation=organisation, lead_role="follower"
        )
        phase = rng.uniform(-0.2, 0.2)
        points = [
            [d, 50 + 35 * math.sin(d / span * 6 * math.pi + phase) + rng.uniform(-3, 3)]
            for d in (round(i * span / (POINTS - 1)) for i in range(POINTS))
        ]
        line, _ = services.save_line(
            exercise=exercise, participant_key=f"person:{person.pk}", points=points
        )
        for at, kind in ((1 / 12, "peak"), (3 / 12, "valley"), (5 / 12, "peak")):
            day = round(span * at + rng.uniform(-40, 40))
            services.add_moment(
                line=line,
                on=start + timedelta(days=day),
                kind=kind,
                title=f"Moment {n}",
                story="Een verhaal " * 20,
                answers={"q_peaks": "Samen", "q_red_thread": "Altijd samen"},
                level="level.network",
            )
    user = make_user("bench-historyline@example.org")
    grant_network_role(user=user, network=network, role="facilitator")
    client = Client()
    client.force_login(user)
    return exercise.pk, client.cookies["sessionid"].value


def main() -> None:
    with fresh_database() as url:
        setup_django(url)
        pk, cookie = build()
        from verbindend.historyline import together
        from verbindend.historyline.models import Exercise

        exercise = Exercise.objects.get(pk=pk)
        in_process = []
        for _ in range(REQUESTS):
            began = time.perf_counter()
            together.overlay(exercise).svg(title="bench")
            in_process.append((time.perf_counter() - began) * 1000)
        with server(url) as base:
            timed_gets(f"{base}/history-lines/{pk}/overlay.svg", cookie, 2)  # warm up
            overlay = timed_gets(f"{base}/history-lines/{pk}/overlay.svg", cookie, REQUESTS)
            page = timed_gets(f"{base}/history-lines/{pk}/together/", cookie, REQUESTS)
            csv = timed_gets(f"{base}/history-lines/{pk}/points.csv", cookie, REQUESTS)
            health = timed_gets(f"{base}/healthz", cookie, REQUESTS)
        shared = len(together.overlay(exercise).shared)
    emit(
        {
            "bench": "historyline",
            "lines": LINES,
            "points_per_line": POINTS,
            "shared_moments": shared,
            "overlay_ms": round(median(overlay), 1),
            "overlay_p95_ms": round(percentile(overlay, 95), 1),
            "overlay_target_ms": 300,
            "together_page_ms": round(median(page), 1),
            "overlay_in_process_ms": round(median(in_process), 1),
            "baseline_points_csv_ms": round(median(csv), 1),
            "baseline_healthz_ms": round(median(health), 1),
            "requests": REQUESTS,
        }
    )


if __name__ == "__main__":
    main()
