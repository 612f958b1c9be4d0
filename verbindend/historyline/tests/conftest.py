from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from verbindend.historyline import services
from verbindend.historyline.models import Exercise, Line
from verbindend.testing.personas import Personas


@dataclass
class World:
    p: Personas
    exercise: Exercise
    study_exercise: Exercise
    line: Line


@pytest.fixture
def world(personas: Personas) -> World:
    exercise = services.create_exercise(
        scope=personas.network,
        title="Ons verhaal",
        start_date=date(2020, 1, 1),
        end_date=date(2024, 12, 31),
        milestones=[{"date": "2022-03-01", "label": "Nieuwe voorzitter"}],
    )
    study_exercise = services.create_exercise(
        scope=personas.study,
        title="Over de netwerken heen",
        start_date=date(2020, 1, 1),
        end_date=date(2024, 12, 31),
    )
    line, _ = services.save_line(
        exercise=exercise,
        participant_key=f"person:{personas.person.pk}",
        points=[[0, 40], [400, 80], [800, 30], [1200, 70]],
    )
    services.add_moment(
        line=line,
        on=date(2021, 2, 4),
        kind="peak",
        title="Eerste beurs",
        story="Samen <b>sterk</b>",
    )
    return World(personas, exercise, study_exercise, line)
