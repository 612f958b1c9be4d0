"""One disclosure-control engine: what may be published about people's answers.

Every page, chart, export and report that shows an aggregate of people's answers asks this
module which of its cells may be published (see ``docs/privacy.md`` for the threat model).

The model
---------
A *data set* is one quantity per person (a principle's score in one round, a line's presence
in a history-line exercise, a session answer, ...). A published *cell* is a set of people
whose count, sum, mean or distribution over that quantity is shown. Everything a reader can do
with published cells is a linear combination of their membership vectors, so a person is
recovered when their indicator vector lies in the row space of the published membership
matrix (over the rationals), and a group smaller than k is revealed when the indicator vector
of a set of people whom no published cell tells apart (an *atom*) lies in it.

:func:`publish` takes the cells a page would like to show and the cells already published for
the same data set (earlier snapshots, other pages, other breakdowns) and returns the cells it
may show:

1. every cell with fewer than k people is suppressed (primary suppression);
2. the row space of the published and proposed cells is computed exactly (rational row
   reduction); for every atom of fewer than k people whose indicator lies in it, the smallest
   proposed cell containing that atom is suppressed too (complementary suppression), and the
   check runs again until no atom of fewer than k people can be isolated.

The check is exact for single people and for every set of people that the published cells
cannot tell apart. It does not search for unions of several small atoms that together form a
group of fewer than k: such a union can only be isolated by combinations that isolate no one
person, and its members' individual answers stay hidden.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

#: No group smaller than this is ever shown, whatever a network or study says.
MINIMUM_K = 5


def effective_k(*ks: int | None) -> int:
    """The k that applies: the highest of the given ones, never below :data:`MINIMUM_K`.

    A study passes the k of every network it covers; a round passes its own and its network's.
    """
    return max([MINIMUM_K, *(k for k in ks if k)])


@dataclass(frozen=True)
class Cell:
    """One figure a page would publish: a key of the caller's choosing and who it covers."""

    key: Hashable
    members: frozenset[int]
    #: Suppressed only as the very last resort (the whole population's figure).
    keep: bool = False

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass
class Decision:
    """What :func:`publish` decided, with its reasons (shown to people as a human sentence)."""

    k: int
    shown: list[Cell]
    too_small: list[Cell] = field(default_factory=list)
    complementary: list[Cell] = field(default_factory=list)
    #: Atoms (people) that remained recoverable from history alone (empty in a sound system).
    exposed: list[frozenset[int]] = field(default_factory=list)

    @property
    def shown_keys(self) -> set[Hashable]:
        return {cell.key for cell in self.shown}

    @property
    def suppressed(self) -> int:
        return len(self.too_small) + len(self.complementary)

    def allows(self, key: Hashable) -> bool:
        return key in self.shown_keys


# exact linear algebra over the rationals -------------------------------------------------------


class RowSpace:
    """The row space of 0/1 membership vectors over atoms, kept in reduced echelon form."""

    def __init__(self) -> None:
        self.pivots: dict[int, dict[int, Fraction]] = {}  # pivot column → reduced row (sparse)

    def reduce(self, vector: dict[int, Fraction]) -> dict[int, Fraction]:
        """The vector minus its projection on the rows held (zero iff it lies in the space)."""
        v = dict(vector)
        for column, row in self.pivots.items():
            factor = v.get(column)
            if not factor:
                continue
            for c, value in row.items():
                updated = v.get(c, Fraction(0)) - factor * value
                if updated:
                    v[c] = updated
                else:
                    v.pop(c, None)
        return v

    def add(self, vector: dict[int, Fraction]) -> bool:
        """Add a row; False when it was already in the space."""
        v = self.reduce(vector)
        if not v:
            return False
        column = min(v)
        pivot = v[column]
        row = {c: value / pivot for c, value in v.items()}
        for other in self.pivots.values():
            factor = other.get(column)
            if factor:
                for c, value in row.items():
                    updated = other.get(c, Fraction(0)) - factor * value
                    if updated:
                        other[c] = updated
                    else:
                        other.pop(c, None)
        self.pivots[column] = row
        return True

    def contains(self, vector: dict[int, Fraction]) -> bool:
        return not self.reduce(vector)


def atoms_of(rows: Sequence[frozenset[int]]) -> list[frozenset[int]]:
    """Partition everyone in ``rows`` by the set of rows they belong to."""
    signature: dict[int, list[int]] = {}
    for index, row in enumerate(rows):
        for person in row:
            signature.setdefault(person, []).append(index)
    groups: dict[tuple[int, ...], set[int]] = {}
    for person, where in signature.items():
        groups.setdefault(tuple(where), set()).add(person)
    return [frozenset(members) for members in groups.values()]


def isolated(rows: Sequence[frozenset[int]], k: int) -> list[frozenset[int]]:
    """Atoms of 1..k-1 people whose indicator lies in the row space of ``rows``."""
    rows = [row for row in dict.fromkeys(rows) if row]
    atoms = atoms_of(rows)
    column = {person: i for i, atom in enumerate(atoms) for person in atom}
    space = RowSpace()
    one = Fraction(1)
    for row in rows:
        vector: dict[int, Fraction] = {}
        for person in row:
            vector[column[person]] = one
        space.add(vector)
    return [atom for i, atom in enumerate(atoms) if len(atom) < k and space.contains({i: one})]


def recovered_people(rows: Iterable[frozenset[int]]) -> set[int]:
    """Everyone whose own answer follows from the published cells (the attacker's view)."""
    return {person for atom in isolated(list(rows), 2) for person in atom}


# the decision ----------------------------------------------------------------------------------


def publish(
    cells: Sequence[Cell],
    *,
    k: int,
    published: Iterable[frozenset[int]] = (),
) -> Decision:
    """Which of ``cells`` may be shown, given what was already ``published`` for this data set.

    ``k`` is raised to :data:`MINIMUM_K`. ``published`` holds the membership of every cell
    already out for the same data set (other breakdowns, earlier snapshots); they cannot be
    taken back, so only the proposed cells are suppressed.
    """
    k = effective_k(k)
    history = [row for row in published if row]
    decision = Decision(k=k, shown=[])
    for cell in cells:
        if 0 < cell.size < k:
            decision.too_small.append(cell)
        elif cell.size:
            decision.shown.append(cell)
    while True:
        leaks = isolated(history + [cell.members for cell in decision.shown], k)
        if not leaks:
            return decision
        victim = _victim(decision.shown, leaks[0])
        if victim is None:
            leaked_by_history = isolated(history, k)
            if leaked_by_history:
                decision.exposed = leaked_by_history
                return decision
            # the leak needs the proposed cells but none contains the atom: drop them all
            decision.complementary.extend(decision.shown)
            decision.shown = []
            return decision
        decision.shown.remove(victim)
        decision.complementary.append(victim)


def _victim(shown: list[Cell], atom: frozenset[int]) -> Cell | None:
    """The cell to suppress for a leaking atom: the smallest one holding it, totals last."""
    holding = [cell for cell in shown if cell.members & atom]
    if not holding:
        return None
    return min(holding, key=lambda cell: (cell.keep, cell.size, str(cell.key)))


def allowed_groups(
    groups: dict[Hashable, frozenset[int]],
    *,
    k: int,
    population: frozenset[int] | None = None,
    published: Iterable[frozenset[int]] = (),
) -> set[Hashable]:
    """The keys of ``groups`` that may be shown beside the whole ``population``.

    A convenience for breakdowns (an organisation, a role, a filter): the population's own
    figure is published too (it is what the groups are compared with).
    """
    everyone = population if population is not None else frozenset().union(*groups.values())
    cells = [Cell(("__all__",), everyone, keep=True)]
    cells += [Cell(key, members & everyone) for key, members in groups.items()]
    decision = publish(cells, k=k, published=published)
    return {cell.key for cell in decision.shown} - {("__all__",)}


def small_group_text(decision_k: int) -> str:
    """The sentence pages show beside a suppressed cell (translated by the caller's template)."""
    from django.utils.translation import gettext as _

    return _(
        "Hidden to protect small groups: fewer than %(k)d people, or it could be worked out "
        "from other figures shown."
    ) % {"k": decision_k}
