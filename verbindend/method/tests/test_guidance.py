"""The advice for a kind of network: which rules apply to which profile. No database needed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import translation

from verbindend.method import content, guidance


def network(governance_form: str = "", goal_origin: str = "", phase: str = "") -> SimpleNamespace:
    return SimpleNamespace(governance_form=governance_form, goal_origin=goal_origin, phase=phase)


def keys(found: list[guidance.Advice]) -> list[str]:
    return [a.key for a in found]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("phase", "starting", ["guidance.starting_agreements"]),
        ("phase", "growing", ["guidance.look_back", "guidance.newcomers"]),
        ("phase", "mature", ["guidance.look_back"]),
        ("phase", "renewing", ["guidance.look_back", "guidance.back_to_core"]),
        ("phase", "ending", ["guidance.secure_learning"]),
        ("goal_origin", "voluntary", []),
        ("goal_origin", "mandated", ["guidance.mandated_goal"]),
        ("governance_form", "participant_governed", ["guidance.shared_steering"]),
        ("governance_form", "lead_organisation", ["guidance.lead_steering"]),
        ("governance_form", "administrative_organisation", ["guidance.nao_steering"]),
    ],
)
def test_each_profile_value_brings_its_rules(field: str, value: str, expected: list[str]) -> None:
    found = guidance.applicable(network(**{field: value}))
    assert keys(found) == expected
    assert all(a.field == field and a.value == value for a in found)


def test_a_network_without_a_profile_gets_no_advice() -> None:
    empty = network()
    assert guidance.applicable(empty) == []
    assert not guidance.has_profile(empty)
    assert guidance.has_profile(network(phase="mature"))


def test_an_unknown_value_brings_nothing() -> None:
    assert guidance.applicable(network(governance_form="anarchy", phase="teenage")) == []


def test_the_fields_add_up() -> None:
    found = guidance.applicable(network("lead_organisation", "mandated", "starting"))
    assert keys(found) == [
        "guidance.starting_agreements",
        "guidance.mandated_goal",
        "guidance.lead_steering",
    ]


def test_advice_about_one_principle_and_one_screen() -> None:
    growing = network(phase="growing", governance_form="participant_governed")
    assert keys(guidance.applicable(growing, principle="principle.p4")) == [
        "guidance.look_back",
        "guidance.newcomers",
    ]
    assert keys(guidance.applicable(growing, principle="principle.p2")) == [
        "guidance.look_back",
        "guidance.shared_steering",
    ]
    assert guidance.applicable(growing, principle="principle.p1") == []
    assert len(guidance.applicable(growing, screen="agenda")) == 3
    with pytest.raises(ValueError, match="screen"):
        guidance.applicable(growing, screen="wall")


def test_advice_carries_human_labels_and_its_source_in_both_languages() -> None:
    (advice,) = guidance.applicable(network(goal_origin="mandated"))
    with translation.override("nl"):
        assert advice.because.title == "Opgelegd"
        assert advice.source.startswith("Rapport")
        assert [p.title for p in advice.principles] == [content.get("principle.p3").title]
    with translation.override("en"):
        assert advice.because.title == "Mandated"
        assert advice.source.startswith("Report")
    assert advice.origin == "ours"


def test_every_rule_is_well_formed() -> None:
    rules = guidance.rules()
    assert rules
    for rule in rules:
        field = rule.attrs["profile_field"]
        assert field in guidance.FIELDS, rule.key
        values = rule.attrs["profile_values"]
        assert isinstance(values, tuple) and values, rule.key
        for value in values:
            assert content.exists(f"{guidance.FIELDS[str(field)]}.{value}"), (rule.key, value)
        assert rule.refs("principle"), rule.key
        assert all(p.kind == "principle" for p in rule.refs("principle")), rule.key
        screens = rule.attrs["screens"]
        assert isinstance(screens, tuple) and set(screens) <= guidance.SCREENS, rule.key
        for lang in ("nl", "en"):
            assert rule.text("title", lang) and rule.text("body", lang), rule.key
            assert rule.text("source", lang), rule.key


def test_only_the_rule_the_report_states_itself_is_marked_as_the_reports() -> None:
    from_report = [r.key for r in guidance.rules() if r.origin == "report"]
    assert from_report == ["guidance.starting_agreements"]
