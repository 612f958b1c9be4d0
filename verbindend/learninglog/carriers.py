"""The knowledge-carrier map: who or what carries each type of knowledge, and the risk of losing it.

There is one definition of risk, and it belongs to a knowledge type (:func:`risk_of`):

- *not carried*: nobody and nothing carries it;
- *high*: exactly one carrier (a person, a system or a way of working): if it goes, so does the
  knowledge;
- *medium*: two or more carriers, all of them people (people leave);
- *low*: two or more carriers, at least one a technical system or the network's way of working.

A carrier's row reads the same definition twice: its *risk* is the highest risk among the types it
carries today, and *if it leaves* names each of those types whose risk would rise without it. The
table, the diagram, the report and the CSV all show these values, so they never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbindend.core.charts import CHAR_EM, wrap_label
from verbindend.learninglog.models import Carrier, CarrierKind
from verbindend.method import content

LOW, MEDIUM, HIGH, MISSING = 1, 2, 3, 4
RISK_LABELS = {
    0: gettext_lazy("None"),
    LOW: gettext_lazy("Low"),
    MEDIUM: gettext_lazy("Medium"),
    HIGH: gettext_lazy("High"),
    MISSING: gettext_lazy("Not carried"),
}
RISK_CLASSES = {0: "none", LOW: "low", MEDIUM: "medium", HIGH: "high", MISSING: "missing"}


def knowledge_keys() -> list[str]:
    return [node.key for node in content.of_kind("knowledge_type")]


def risk_of(carriers: Iterable[Carrier]) -> int:
    """The risk for one knowledge type, given the carriers that carry it."""
    found = list(carriers)
    if not found:
        return MISSING
    if len(found) == 1:
        return HIGH
    if any(c.kind != CarrierKind.PERSON for c in found):
        return LOW
    return MEDIUM


@dataclass(frozen=True)
class TypeRow:
    key: str
    title: str
    people: tuple[str, ...]
    systems: tuple[str, ...]
    organisational: tuple[str, ...]
    risk: int

    @property
    def risk_label(self) -> str:
        return str(RISK_LABELS[self.risk])

    @property
    def risk_class(self) -> str:
        return RISK_CLASSES[self.risk]


@dataclass(frozen=True)
class Change:
    """What happens to one knowledge type's risk when a carrier leaves."""

    title: str
    now: int
    after: int

    def __str__(self) -> str:
        return _("%(type)s: %(now)s → %(after)s") % {
            "type": self.title,
            "now": str(RISK_LABELS[self.now]).lower(),
            "after": str(RISK_LABELS[self.after]).lower(),
        }


@dataclass(frozen=True)
class CarrierRow:
    carrier: Carrier
    types: tuple[str, ...]  # titles of the knowledge types it carries
    sole_for: tuple[str, ...]  # titles of the types nobody else carries
    risk: int  # the highest risk (today) among the types it carries
    if_it_leaves: tuple[Change, ...]  # the types whose risk would rise without it

    @property
    def risk_label(self) -> str:
        return str(RISK_LABELS[self.risk])

    @property
    def risk_class(self) -> str:
        return RISK_CLASSES[self.risk]

    @property
    def leaving_text(self) -> str:
        return "; ".join(str(change) for change in self.if_it_leaves)


@dataclass(frozen=True)
class CarrierMap:
    types: tuple[TypeRow, ...]
    carriers: tuple[CarrierRow, ...]

    @property
    def empty(self) -> bool:
        return not self.carriers


def build(carriers: Sequence[Carrier]) -> CarrierMap:
    keys = knowledge_keys()
    titles = {key: content.get(key).title for key in keys}
    carrying = {key: [c for c in carriers if key in c.knowledge_types] for key in keys}
    types = tuple(
        TypeRow(
            key=key,
            title=titles[key],
            people=tuple(c.name for c in carrying[key] if c.kind == CarrierKind.PERSON),
            systems=tuple(c.name for c in carrying[key] if c.kind == CarrierKind.SYSTEM),
            organisational=tuple(
                c.name for c in carrying[key] if c.kind == CarrierKind.ORGANISATIONAL
            ),
            risk=risk_of(carrying[key]),
        )
        for key in keys
    )
    now = {row.key: row.risk for row in types}
    rows = []
    for carrier in carriers:
        mine = [key for key in keys if key in carrier.knowledge_types]
        changes = []
        for key in mine:
            after = risk_of(c for c in carrying[key] if c is not carrier)
            if after > now[key]:
                changes.append(Change(title=titles[key], now=now[key], after=after))
        rows.append(
            CarrierRow(
                carrier=carrier,
                types=tuple(titles[key] for key in mine),
                sole_for=tuple(titles[key] for key in mine if len(carrying[key]) == 1),
                risk=max((now[key] for key in mine), default=0),
                if_it_leaves=tuple(changes),
            )
        )
    return CarrierMap(types=types, carriers=tuple(rows))


def for_network(network: Any) -> CarrierMap:
    return build(list(Carrier.objects.filter(network=network).select_related("person")))


# -- the diagram ----------------------------------------------------------------------------------

WIDTH = 720
BOX_H, GAP, TOP = 30, 8, 56
TYPE_H = 56
LEFT_W, RIGHT_X, RIGHT_W = 250, 450, 260
FONT, LINE_H = 13, 16
#: characters of a carrier's name on one line of its box (after the icon), and lines enough for
#: the longest name (200 characters), so no name is cut
NAME_CHARS = int((LEFT_W - 40) / (FONT * CHAR_EM))
NAME_LINES = 8


@dataclass(frozen=True)
class _Node:
    label: str
    y: int
    height: int
    shape: str  # person | system | organisational
    kind_label: str
    lines: tuple[tuple[int, str], ...]  # (baseline, text): the name on as many lines as it needs

    @property
    def mid(self) -> int:
        return self.y + self.height // 2


def _nodes(carrier_map: CarrierMap, kind_labels: dict[str, Any]) -> list[_Node]:
    nodes, y = [], TOP
    for row in carrier_map.carriers:
        lines = wrap_label(row.carrier.name, NAME_CHARS, most=NAME_LINES)
        height = max(BOX_H, 14 + LINE_H * len(lines))
        first = y + height // 2 + 5 - (len(lines) - 1) * LINE_H // 2
        nodes.append(
            _Node(
                label=row.carrier.name,
                y=y,
                height=height,
                shape=row.carrier.kind,
                kind_label=str(kind_labels[row.carrier.kind]),
                lines=tuple((first + i * LINE_H, line) for i, line in enumerate(lines)),
            )
        )
        y += height + GAP
    return nodes


@dataclass(frozen=True)
class _TypeNode:
    label: str
    risk_text: str
    risk_label: str
    risk_class: str
    y: int
    mid: int


def svg(carrier_map: CarrierMap, *, title: str) -> str:
    """A server-rendered diagram: carriers on the left, knowledge types (with risk) on the right."""
    kind_labels = dict(CarrierKind.choices)
    nodes = _nodes(carrier_map, kind_labels)
    left_height = sum(n.height + GAP for n in nodes)
    right_height = len(carrier_map.types) * (TYPE_H + GAP)
    offset = max(0, (left_height - right_height) // 2)
    types = [
        _TypeNode(
            label=row.title,
            risk_text=_("Risk: %(risk)s") % {"risk": row.risk_label.lower()},
            risk_label=row.risk_label,
            risk_class=row.risk_class,
            y=TOP + offset + i * (TYPE_H + GAP),
            mid=TOP + offset + i * (TYPE_H + GAP) + TYPE_H // 2,
        )
        for i, row in enumerate(carrier_map.types)
    ]
    type_index = {row.key: i for i, row in enumerate(carrier_map.types)}
    links = [
        (nodes[i].mid, types[type_index[key]].mid)
        for i, row in enumerate(carrier_map.carriers)
        for key in row.carrier.knowledge_types
        if key in type_index
    ]
    height = TOP + max(left_height, right_height) + 70
    desc = "; ".join(
        _("%(type)s: risk %(risk)s, carried by %(who)s")
        % {
            "type": row.title,
            "risk": row.risk_label.lower(),
            "who": ", ".join(row.people + row.systems + row.organisational) or _("nobody"),
        }
        for row in carrier_map.types
    )
    return render_to_string(
        "learninglog/carriers.svg",
        {
            "title": title,
            "desc": desc,
            "nodes": nodes,
            "types": types,
            "links": links,
            "width": WIDTH,
            "height": height,
            "left_w": LEFT_W,
            "right_x": RIGHT_X,
            "right_w": RIGHT_W,
            "type_h": TYPE_H,
            "legend_y": height - 30,
            "empty": carrier_map.empty,
            "labels": {
                "carriers": _("Carriers"),
                "types": _("Knowledge types"),
                "empty": _("No carriers yet."),
                "person": kind_labels[CarrierKind.PERSON],
                "system": kind_labels[CarrierKind.SYSTEM],
                "organisational": kind_labels[CarrierKind.ORGANISATIONAL],
            },
        },
    )


def csv_rows(carrier_map: CarrierMap) -> tuple[list[str], list[list[Any]]]:
    """The carrier map as a table; `core.exports` makes the cells spreadsheet-safe."""
    header = [
        _("Carrier"),
        _("Kind"),
        _("Knowledge types"),
        _("Risk"),
        _("Only carrier of"),
        _("If it leaves"),
        _("What it carries"),
    ]
    kind_labels = dict(CarrierKind.choices)
    rows = [
        [
            row.carrier.name,
            kind_labels[row.carrier.kind],
            "; ".join(row.types),
            row.risk_label,
            "; ".join(row.sole_for),
            row.leaving_text,
            row.carrier.description,
        ]
        for row in carrier_map.carriers
    ]
    return header, rows
