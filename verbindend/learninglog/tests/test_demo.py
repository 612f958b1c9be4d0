"""The demo's learning log: goals with revisits, entries at every stage, a risky carrier."""

from __future__ import annotations

import pytest

from verbindend.core import demo as core_demo
from verbindend.learninglog import carriers
from verbindend.learninglog.models import Entry, GoalRevisit, LearningGoal
from verbindend.networks.models import Network


@pytest.mark.django_db
def test_the_demo_log_loads_twice_and_covers_every_stage() -> None:
    core_demo.load_demo()
    core_demo.load_demo()
    network = Network.objects.get(slug=core_demo.DEMO_SLUG)
    assert LearningGoal.objects.filter(network=network).count() == 3
    assert GoalRevisit.objects.filter(goal__network=network).count() >= 3
    entries = Entry.objects.filter(network=network)
    assert 10 <= entries.count() <= 14
    assert set(entries.values_list("reached", flat=True)) == {0, 1, 2, 3, 4}
    assert entries.filter(source_contribution__isnull=False).exists()
    assert entries.filter(source_moment__isnull=False, status="draft").exists()
    found = carriers.for_network(network)
    assert any(t.risk == carriers.HIGH for t in found.types)
