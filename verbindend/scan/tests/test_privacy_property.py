"""A patient attacker against the scan's results, as a property over generated networks.

Hypothesis builds a network of 5–60 people in random organisations with random roles and
attributes, runs 1–4 rounds with answers before and after an early release, and lets one member
collect every figure they may read (each principle's total and every breakdown cell, after every
new answer) and submit invented answers by the round's shared code. The attacker then solves
the linear system of everything collected: a person is recovered when their indicator vector
lies in the row space of the collected cells (plus the attacker's own invented answers, which
they know). Zero people may be recovered.

The solver here is written independently of ``core.disclosure`` (dense rows over the people,
not atoms), so a mistake in the engine's algebra does not hide itself.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verbindend.networks.models import Engagement, LeadRole, Tenure
from verbindend.scan import results, services
from verbindend.scan.models import Answer, Response, Round, ScanInvitation
from verbindend.scan.tests.builders import make_round, organisation
from verbindend.testing.personas import Personas

ITEMS = ["scan.p1.s1", "scan.p1.s2", "scan.p2.s1"]
PRINCIPLES = {"principle.p1": ITEMS[:2], "principle.p2": ITEMS[2:]}
answer = st.sampled_from(["1", "2", "3", "4", "5", "unknown", ""])


@st.composite
def networks(draw: st.DrawFn) -> dict[str, object]:
    size = draw(st.integers(5, 60))
    orgs = draw(st.integers(1, 8))
    people = [
        {
            "org": draw(st.one_of(st.none(), st.integers(0, orgs - 1))),
            "lead_role": draw(st.sampled_from(["", *LeadRole.values])),
            "engagement": draw(st.sampled_from(["", *Engagement.values])),
            "tenure": draw(st.sampled_from(["", *Tenure.values])),
        }
        for _ in range(size)
    ]
    rounds = []
    for _ in range(draw(st.integers(1, 4))):
        who = draw(st.lists(st.integers(0, size - 1), unique=True, min_size=1, max_size=size))
        rounds.append(
            {
                "who": who,
                "answers": [
                    {item: draw(answer) for item in ITEMS} for _ in who
                ],  # one row per respondent
                "release_after": draw(st.integers(0, len(who))),
                "early": draw(st.booleans()),
                "fakes": draw(st.integers(0, 4)),
                "fake_org": draw(st.integers(0, orgs - 1)),
            }
        )
    return {"orgs": orgs, "people": people, "rounds": rounds}


class Attacker:
    """Everything one member has read, as rows of (round, principle) linear systems."""

    def __init__(self) -> None:
        self.rows: dict[tuple[int, str], list[frozenset[int]]] = {}
        self.known: dict[int, set[int]] = {}  # round → the attacker's own responses

    def read(self, round_id: int) -> None:
        round_ = results.Round.objects.select_related("network").get(pk=round_id)
        if not round_.results_available:
            return
        result = results.for_round(round_)
        if result.suppressed:
            return
        for p in result.principles:
            if p.mean is None:
                continue
            population = _population(result, round_id, p.key)
            rows = self.rows.setdefault((round_id, p.key), [])
            rows.append(population)
            for group in result.groups:
                if group.means.get(p.key) is not None:
                    rows.append(frozenset(group.members) & population)

    def recovered(self) -> list[tuple[int, str, int]]:
        found = []
        for (round_id, principle), rows in self.rows.items():
            people = sorted(set().union(*rows))
            known = self.known.get(round_id, set())
            basis = [_vector(people, row) for row in rows]
            basis += [_vector(people, frozenset({person})) for person in known if person in people]
            rank = _rank(basis)
            for person in people:
                if person in known:
                    continue
                if _rank([*basis, _vector(people, frozenset({person}))]) == rank:
                    found.append((round_id, principle, person))
        return found


def _population(result: object, round_id: int, principle: str) -> frozenset[int]:
    """Who a principle's figures cover: as the result says, or (older results) as the DB says."""
    populations = getattr(result, "populations", None)
    if populations is not None:
        return frozenset(populations[principle])
    return frozenset(
        Answer.objects.filter(round_id=round_id, principle_key=principle, value__isnull=False)
        .values_list("response_id", flat=True)
        .distinct()
    )


def _vector(people: list[int], row: frozenset[int]) -> list[Fraction]:
    return [Fraction(1 if person in row else 0) for person in people]


def _rank(rows: list[list[Fraction]]) -> int:
    matrix = [list(row) for row in rows if any(row)]
    rank, column = 0, 0
    width = len(matrix[0]) if matrix else 0
    while rank < len(matrix) and column < width:
        pivot = next((i for i in range(rank, len(matrix)) if matrix[i][column]), None)
        if pivot is None:
            column += 1
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        head = matrix[rank][column]
        for i in range(len(matrix)):
            if i != rank and matrix[i][column]:
                factor = matrix[i][column] / head
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[rank], strict=True)]
        rank += 1
        column += 1
    return rank


def _answer(response: Response, values: dict[str, str]) -> None:
    for principle, items in PRINCIPLES.items():
        services.save_principle(
            response=response,
            principle_key=principle,
            values={item: values[item] for item in items},
            comment="",
        )


def play(personas: Personas, scenario: dict[str, object]) -> Attacker:
    network = personas.network
    orgs = [organisation(network, f"Org {i}") for i in range(scenario["orgs"])]  # type: ignore[call-overload]
    people = scenario["people"]
    attacker = Attacker()
    rounds: list[dict[str, Any]] = scenario["rounds"]  # type: ignore[assignment]
    for number, plan in enumerate(rounds):
        round_ = make_round(network, items=ITEMS, closed=False, days_ago=1, title=f"R{number}")
        if not plan["early"]:
            plan["release_after"] = len(plan["who"])

        def respond(
            index: int, values: dict[str, str], round_: Round = round_, number: int = number
        ) -> None:
            person = people[index]  # type: ignore[index]
            invitation = ScanInvitation.objects.create(
                round=round_, email=f"p{index}-{number}@example.org"
            )
            org = orgs[person["org"]] if person["org"] is not None else None
            response = services.start_response(
                round_=round_,
                invitation=invitation,
                organisation_id=org.pk if org else None,
                lead_role=person["lead_role"],
                engagement=person["engagement"],
                tenure=person["tenure"],
            )
            _answer(response, values)

        pairs = list(zip(plan["who"], plan["answers"], strict=True))
        for index, values in pairs[: plan["release_after"]]:
            respond(index, values)
        if plan["early"]:
            services.release_results(round_=round_)
            attacker.read(round_.pk)
            # the attacker's invented answers by the shared code, all "3", in one organisation
            for _ in range(plan["fakes"]):
                fake = services.start_response(
                    round_=round_,
                    organisation_id=orgs[plan["fake_org"]].pk,
                    lead_role=LeadRole.TREKKER,
                )
                _answer(fake, dict.fromkeys(ITEMS, "3"))
                attacker.known.setdefault(round_.pk, set()).add(fake.pk)
                attacker.read(round_.pk)
        for index, values in pairs[plan["release_after"] :]:
            respond(index, values)
            attacker.read(round_.pk)
        services.close_round(round_=round_)
        attacker.read(round_.pk)
    return attacker


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(scenario=networks())
def test_an_attacker_who_reads_everything_over_time_recovers_no_one(
    personas: Personas, scenario: dict[str, object]
) -> None:
    cache.clear()
    with transaction.atomic():
        attacker = play(personas, scenario)
        recovered = attacker.recovered()
        transaction.set_rollback(True)
    assert recovered == []
