"""Demo: a history-line exercise in the demo network with seven lines and their stories."""

from __future__ import annotations

import random
from datetime import date, timedelta

from verbindend.historyline import services
from verbindend.historyline.models import Exercise
from verbindend.networks.models import Network, Person
from verbindend.studies.models import Study

TITLE = "Onze weg sinds de start"
START = date(2016, 9, 1)

# (years after the start, height, kind, title, story, level, principle)
SHARED = [
    (
        1.6,
        80,
        "peak",
        "Eerste gezamenlijke jobbeurs",
        "We stonden voor het eerst met alle organisaties samen in één zaal. Werkzoekenden zagen "
        "geen aparte loketten meer, maar één netwerk.",
        "level.network",
        "principle.p1",
    ),
    (
        3.6,
        22,
        "valley",
        "Subsidie stopgezet",
        "Het projectgeld viel weg en twee partners twijfelden of ze nog wilden meedoen. De "
        "vergaderingen werden korter en stroever.",
        "level.organisation",
        "principle.p4",
    ),
    (
        5.3,
        88,
        "peak",
        "Intervisie tussen trajectbegeleiders",
        "Begeleiders van verschillende organisaties bespraken samen moeilijke trajecten. "
        "We leerden elkaars aanpak kennen en namen er stukken van over.",
        "level.individual",
        "principle.p2",
    ),
]
ANSWERS = {
    "peak": (
        "We deden het echt samen in plaats van naast elkaar; dat gaf energie om door te gaan.",
        "",
        "Telkens als we iets concreets samen deden, leerden we het meest.",
    ),
    "valley": (
        "",
        "De trekker bracht iedereen rond de tafel rond de vraag waarom we dit eigenlijk doen. Het "
        "gedeelde doel hield ons bij elkaar.",
        "Een moeilijke periode dwong ons om ons doel opnieuw uit te spreken.",
    ),
}


def _curve(rng: random.Random, span: int, shift: float) -> list[list[float]]:
    """A plausible line: each person's own level and trend, the shared bumps, a personal one."""
    base, trend, depth = rng.uniform(30, 50), rng.uniform(0, 6), rng.uniform(0.6, 1.0)
    own_at, own_height = rng.uniform(6.5, 9.5), rng.choice([15.0, 90.0])
    points = []
    for day in range(0, span + 1, 45):
        years = day / 365.25
        value = base + trend * years
        for at, height, *_rest in SHARED:
            bump = max(0.0, 1 - abs(years - at - shift) / 0.5)
            value += depth * bump * (height - value)
        value += max(0.0, 1 - abs(years - own_at) / 0.7) * (own_height - value)
        value += rng.uniform(-4, 4)
        points.append([day, round(min(max(value, 0), 100), 1)])
    return points


def extend_demo(*, network: Network, study: Study) -> None:
    exercise = Exercise.objects.filter(network=network, title=TITLE).first()
    if exercise is None:
        exercise = services.create_exercise(
            scope=network,
            title=TITLE,
            start_date=START,
            milestones=[
                {"date": "2018-01-15", "label": "Nieuwe voorzitter"},
                {"date": "2021-06-01", "label": "Fusie van twee partners"},
            ],
            tolerance_days=90,
        )
    if exercise.lines.exists():
        return
    rng = random.Random(11)
    people = list(Person.objects.filter(network=network).order_by("pk")[:7])
    span = exercise.span_days
    for index, person in enumerate(people):
        shift = rng.uniform(-0.12, 0.12)
        line, _cleaned = services.save_line(
            exercise=exercise,
            participant_key=f"person:{person.pk}",
            points=_curve(rng, span, shift),
        )
        for number, (at, height, kind, title, story, level, principle) in enumerate(SHARED):
            if (index + number) % 4 == 3:  # not everyone remembers every moment
                continue
            peaks, valleys, thread = ANSWERS[kind]
            services.add_moment(
                line=line,
                on=START + timedelta(days=round((at + shift) * 365.25)),
                value=height + rng.uniform(-5, 5),
                kind=kind,
                title=title,
                story=story,
                answers={"q_peaks": peaks, "q_valleys": valleys, "q_red_thread": thread},
                level=level,
                principle=principle,
            )
