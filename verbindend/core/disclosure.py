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

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from math import comb
from typing import Any

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


# linear algebra modulo a large prime --------------------------------------------------------------
#
# Membership vectors are 0/1 integers. Every linear dependency over the rationals is, scaled to
# coprime integers, also a dependency modulo a prime; so working modulo P can find a dependency
# that does not exist over the rationals (then a cell is suppressed that need not be) but never
# misses one that does. The answer "nobody can be isolated" is therefore exact.

P = (1 << 61) - 1


class RowSpace:
    """The row space of membership vectors over atoms, kept in reduced echelon form mod P."""

    def __init__(self) -> None:
        self.pivots: dict[int, dict[int, int]] = {}  # pivot column → reduced row (sparse)

    def reduce(self, vector: dict[int, int]) -> dict[int, int]:
        """The vector minus its projection on the rows held (empty iff it lies in the space)."""
        v = dict(vector)
        for column, row in self.pivots.items():
            factor = v.get(column)
            if not factor:
                continue
            for c, value in row.items():
                updated = (v.get(c, 0) - factor * value) % P
                if updated:
                    v[c] = updated
                else:
                    v.pop(c, None)
        return v

    def add(self, vector: dict[int, int]) -> bool:
        """Add a row; False when it was already in the space."""
        v = self.reduce(vector)
        if not v:
            return False
        column = min(v)
        inverse = pow(v[column], P - 2, P)
        row = {c: value * inverse % P for c, value in v.items()}
        for other in self.pivots.values():
            factor = other.get(column)
            if factor:
                for c, value in row.items():
                    updated = (other.get(c, 0) - factor * value) % P
                    if updated:
                        other[c] = updated
                    else:
                        other.pop(c, None)
        self.pivots[column] = row
        return True

    def contains(self, vector: dict[int, int]) -> bool:
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
    return sorted((frozenset(members) for members in groups.values()), key=min)


#: Above this many candidate sets the search stops and counts the space as leaking.
SEARCH_LIMIT = 150


class _System:
    """Rows over a fixed partition into atoms; answers "what can be isolated?" exactly."""

    def __init__(self, atoms: list[frozenset[int]]) -> None:
        #: set when a search was too large to finish and a leak was assumed
        self.undecided = False
        self.atoms = atoms
        self.column = {person: i for i, atom in enumerate(atoms) for person in atom}

    def vector(self, row: frozenset[int]) -> dict[int, int]:
        return {self.column[person]: 1 for person in row if person in self.column}

    def small_space(self, rows: Sequence[frozenset[int]], small: set[int]) -> list[dict[int, int]]:
        """A basis of the row vectors that vanish outside the ``small`` columns.

        Row reduction with the other columns first: the reduced rows whose pivot is a small
        column are zero on every other column, and they span exactly that subspace.
        """
        big = [c for c in range(len(self.atoms)) if c not in small]
        order = {c: i for i, c in enumerate(big + sorted(small))}
        space = RowSpace()
        for row in rows:
            space.add({order[c]: 1 for c in self.vector(row)})
        back = {i: c for c, i in order.items()}
        cut = len(big)
        return [
            {back[i]: value for i, value in reduced.items()}
            for pivot, reduced in space.pivots.items()
            if pivot >= cut
        ]

    def weight(self, support: Iterable[int]) -> int:
        return sum(len(self.atoms[c]) for c in support)

    def smallest_isolated(self, rows: Sequence[frozenset[int]], k: int) -> frozenset[int] | None:
        """People of a support below k of some vector in the row space, if there is one."""
        small = {c for c, atom in enumerate(self.atoms) if len(atom) < k}
        basis = self.small_space(rows, small)
        if not basis:
            return None
        found = self._small_support(basis, k)
        if found is None:
            return None
        return frozenset().union(*(self.atoms[c] for c in found))

    def _small_support(self, basis: list[dict[int, int]], k: int) -> set[int] | None:
        """A support of weight below k of a vector in the span of ``basis``, if any.

        Two exhaustive searches; the cheaper one runs. (a) Every minimal-support vector of a
        d-dimensional space vanishes on d − 1 columns that fix it up to scale. (b) A vector
        lives on a set S of columns iff the space restricted to the other columns loses rank.
        """
        for vector in basis:
            if self.weight(vector) < k:
                return set(vector)
        d = len(basis)
        columns = sorted(set().union(*basis))
        light = [c for c in columns if len(self.atoms[c]) < k]
        by_zeros = comb(len(columns), d - 1)
        by_sets = sum(comb(len(light), j) for j in range(1, k))
        if min(by_zeros, by_sets) > SEARCH_LIMIT:
            self.undecided = True
            return set(columns)  # too many to try: count it as leaking (suppress more)
        if by_zeros <= by_sets:
            for zeros in combinations(columns, d - 1):
                coefficients = _null_vector(basis, zeros)
                if coefficients is None:
                    continue
                combined: dict[int, int] = {}
                for c, b in zip(coefficients, basis, strict=True):
                    if c:
                        for column, value in b.items():
                            combined[column] = (combined.get(column, 0) + c * value) % P
                support = {column for column, value in combined.items() if value}
                if support and self.weight(support) < k:
                    return support
            return None
        for size in range(1, k):
            for chosen in combinations(light, size):
                if self.weight(chosen) >= k:
                    continue
                inside = set(chosen)
                outside = [{c: v for c, v in b.items() if c not in inside} for b in basis]
                if _rank(outside) < d:
                    return inside
        return None


def _rank(vectors: list[dict[int, int]]) -> int:
    space = RowSpace()
    return sum(1 for vector in vectors if vector and space.add(vector))


def _null_vector(basis: list[dict[int, int]], zeros: tuple[int, ...]) -> list[int] | None:
    """Coefficients c (not all 0) with Σ c_i·basis_i = 0 on ``zeros``, when unique up to scale."""
    d = len(basis)
    matrix = [[basis[i].get(z, 0) for i in range(d)] for z in zeros]
    pivots: list[int] = []
    row = 0
    for col in range(d):
        pivot = next((r for r in range(row, len(matrix)) if matrix[r][col]), None)
        if pivot is None:
            continue
        matrix[row], matrix[pivot] = matrix[pivot], matrix[row]
        inverse = pow(matrix[row][col], P - 2, P)
        matrix[row] = [value * inverse % P for value in matrix[row]]
        for r in range(len(matrix)):
            if r != row and matrix[r][col]:
                factor = matrix[r][col]
                matrix[r] = [
                    (a - factor * b) % P for a, b in zip(matrix[r], matrix[row], strict=True)
                ]
        pivots.append(col)
        row += 1
    free = [col for col in range(d) if col not in pivots]
    if len(free) != 1:
        return None
    solution = [0] * d
    solution[free[0]] = 1
    for r, col in enumerate(pivots):
        solution[col] = -matrix[r][free[0]] % P
    return solution


def isolated(rows: Sequence[frozenset[int]], k: int) -> frozenset[int] | None:
    """The smallest group of 1..k-1 people that some combination of ``rows`` isolates, if any."""
    rows = [row for row in dict.fromkeys(rows) if row]
    if not rows:
        return None
    system = _System(atoms_of(rows))
    return system.smallest_isolated(rows, k)


def recovered_people(rows: Iterable[frozenset[int]]) -> set[int]:
    """Everyone whose own answer follows from the published cells (the attacker's view)."""
    rows = [row for row in dict.fromkeys(rows) if row]
    if not rows:
        return set()
    atoms = atoms_of(rows)
    system = _System(atoms)
    space = RowSpace()
    for row in rows:
        space.add(system.vector(row))
    return {
        next(iter(atom))
        for i, atom in enumerate(atoms)
        if len(atom) == 1 and space.contains({i: 1})
    }


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
    history = [row for row in dict.fromkeys(published) if row]
    memo_key = (k, tuple(history), tuple((cell.members, cell.keep) for cell in cells))
    remembered = _MEMO.get(memo_key)
    if remembered is not None:
        return _replay(cells, k, remembered)
    decision = _decide(cells, k, history)
    if len(_MEMO) >= MEMO_SIZE:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[memo_key] = [_index(cells, group) for group in (decision.shown, decision.too_small)] + [
        _index(cells, decision.complementary)
    ]
    return decision


#: The same table asked twice (a principle answered by everyone, a page read again) is decided
#: once: the decision depends only on the memberships, k and what was published before.
MEMO_SIZE = 512
_MEMO: dict[tuple[Any, ...], list[list[int]]] = {}


def _index(cells: Sequence[Cell], chosen: list[Cell]) -> list[int]:
    ids = {id(cell) for cell in chosen}
    return [i for i, cell in enumerate(cells) if id(cell) in ids]


def _replay(cells: Sequence[Cell], k: int, remembered: list[list[int]]) -> Decision:
    shown, too_small, complementary = ([cells[i] for i in part] for part in remembered)
    return Decision(k=k, shown=shown, too_small=too_small, complementary=complementary)


def _decide(cells: Sequence[Cell], k: int, history: list[frozenset[int]]) -> Decision:
    decision = Decision(k=k, shown=[])
    for cell in cells:
        if 0 < cell.size < k:
            decision.too_small.append(cell)
        elif cell.size:
            decision.shown.append(cell)
    exposed_before = isolated(history, k)
    while decision.shown:
        rows = history + [cell.members for cell in decision.shown]
        rows = [row for row in dict.fromkeys(rows) if row]
        system = _System(atoms_of(rows))
        leak = system.smallest_isolated(rows, k)
        if leak is None or leak == exposed_before:
            break
        for victim in _victims(system, decision.shown, history, leak, quick=system.undecided):
            decision.shown.remove(victim)
            decision.complementary.append(victim)
    if exposed_before is not None:
        decision.exposed = [exposed_before]
    return decision


def _victims(
    system: _System,
    shown: list[Cell],
    history: list[frozenset[int]],
    leak: frozenset[int],
    *,
    quick: bool = False,
) -> list[Cell]:
    """The cells to suppress for a leak: those with one membership (one row of the matrix).

    The smallest row whose removal alone closes the leak (totals last); when none does alone,
    the smallest row touching the leaking people.
    """
    columns = {system.column[p] for p in leak}
    rows: dict[frozenset[int], list[Cell]] = {}
    for cell in shown:
        rows.setdefault(cell.members, []).append(cell)
    order = sorted(
        rows.items(),
        key=lambda item: (
            any(c.keep for c in item[1]),
            not item[0] & leak,  # rows holding the leaking people first: they usually close it
            len(item[0]),
            min(str(c.key) for c in item[1]),
        ),
    )
    for members, cells in [] if quick else order:
        rest = history + [other for other in rows if other != members]
        if not system.small_space(rest, columns):
            return cells
    touching = [cells for members, cells in order if members & leak]
    return touching[0] if touching else order[0][1]


def allowed_groups[K: Hashable](
    groups: Mapping[K, frozenset[int]],
    *,
    k: int,
    population: frozenset[int] | None = None,
    published: Iterable[frozenset[int]] = (),
) -> set[K]:
    """The keys of ``groups`` that may be shown beside the whole ``population``.

    A convenience for breakdowns (an organisation, a role, a filter): the population's own
    figure is published too (it is what the groups are compared with).
    """
    everyone = population if population is not None else frozenset().union(*groups.values())
    cells = [Cell(("__all__",), everyone, keep=True)]
    cells += [Cell(key, members & everyone) for key, members in groups.items()]
    decision = publish(cells, k=k, published=published)
    everyone_key = ("__all__",)
    return {cell.key for cell in decision.shown if cell.key != everyone_key}  # type: ignore[misc]


def scope_k(owner: object) -> int:
    """The k of an object owned by a network or a study (a study: its networks' highest)."""
    network = getattr(owner, "network", None)
    if network is not None:
        return effective_k(network.k_threshold)
    study_id = getattr(owner, "study_id", None)
    if study_id is None:
        return MINIMUM_K
    from django.apps import apps

    case = apps.get_model("studies", "Case")
    ks = (
        case.objects.agreed()
        .filter(study_id=study_id)
        .values_list("network__k_threshold", flat=True)
    )
    return effective_k(*ks)


def attributable(owner: object, contributions: Iterable[Any]) -> dict[str, set[int]]:
    """Per organisation name, the steps in which a text may be credited to it.

    For each step the contributors are split by organisation; an organisation is named only
    where :func:`allowed_groups` allows its group beside everyone who answered that step.
    ``contributions`` need ``step_id``, ``organisation_name`` and ``participant_id`` (or
    ``pk`` for an anonymous one).
    """
    k = scope_k(owner)
    per_step: dict[int, dict[str, set[int]]] = {}
    everyone: dict[int, set[int]] = {}
    for c in contributions:
        who = c.participant_id or -c.pk
        everyone.setdefault(c.step_id, set()).add(who)
        if c.organisation_name:
            per_step.setdefault(c.step_id, {}).setdefault(c.organisation_name, set()).add(who)
    credit: dict[str, set[int]] = {}
    for step, groups in per_step.items():
        allowed = allowed_groups(
            {name: frozenset(members) for name, members in groups.items()},
            k=k,
            population=frozenset(everyone[step]),
        )
        for name in allowed:
            credit.setdefault(str(name), set()).add(step)
    return credit
