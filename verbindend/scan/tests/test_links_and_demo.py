from __future__ import annotations

from verbindend.scan import links, results
from verbindend.scan.demo import extend_demo
from verbindend.scan.models import Round
from verbindend.testing.personas import Personas


def test_providers_are_asked_per_principle_and_a_broken_one_is_skipped(
    personas: Personas,
) -> None:
    def fragments(network, key):  # type: ignore[no-untyped-def]
        return [links.Link(f"{network.slug}:{key}", "/x/", "Fragment")]

    def broken(network, key):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    links.register("fragments", fragments)
    links.register("broken", broken)
    try:
        found = links.links_for(personas.network, "principle.p3")
    finally:
        links.unregister("fragments")
        links.unregister("broken")
    assert found == [links.Link("noord:principle.p3", "/x/", "Fragment")]
    assert links.links_for(personas.network, "principle.p3") == []


def test_a_link_given_several_times_is_listed_once_with_its_count(personas: Personas) -> None:
    """Three people's lines share one moment: one line under the principle, marked 3×."""
    fair = links.Link("Jobbeurs (2018-04)", "/history-lines/1/together/", "Moment")
    other = links.Link("Subsidie (2020-03)", "/history-lines/1/together/", "Moment")
    links.register("moments", lambda network, key: [fair, other, fair, fair])
    try:
        found = links.links_for(personas.network, "principle.p1")
    finally:
        links.unregister("moments")
    assert [(link.title, link.count) for link in found] == [
        ("Jobbeurs (2018-04)", 3),
        ("Subsidie (2020-03)", 1),
    ]


def test_the_demo_has_a_closed_round_with_trend_and_an_open_round(personas: Personas) -> None:
    extend_demo(network=personas.network, study=personas.study)
    extend_demo(network=personas.network, study=personas.study)  # idempotent
    rounds = list(Round.objects.filter(network=personas.network).order_by("opens_on"))
    assert [r.is_closed for r in rounds] == [True, True, False]
    recent = results.compute(rounds[1])
    assert recent.respondents == 40 and not recent.suppressed
    assert len(results.trend(rounds, [p.key for p in recent.principles])) == 2
