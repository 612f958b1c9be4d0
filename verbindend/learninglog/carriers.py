"""The knowledge-carrier map: who or what carries each type of knowledge, and the risk of losing it.

Knowledge held only in one person's head leaves with that person; knowledge that a system or the
network's own way of working also carries stays. So, per knowledge type:

- *not carried*: nobody and nothing carries it;
- *high*: exactly one person carries it, and nothing else;
- *medium*: only people carry it (two or more);
- *low*: a technical system or the network's way of working carries it too.

A carrier's *leaving risk* is the worst risk its knowledge types would have without it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
#: A carrier's leaving risk: MISSING means some knowledge would be gone with it.
LEAVING_LABELS = {**RISK_LABELS, MISSING: gettext_lazy("Knowledge lost")}


def knowledge_keys() -> list[str]:
    return [node.key for node in content.of_kind("knowledge_type")]


def risk_of(carriers: Iterable[Carrier]) -> int:
    """The risk for one knowledge type, given the carriers that carry it."""
    found = list(carriers)
    if not found:
        return MISSING
    if any(c.kind != CarrierKind.PERSON for c in found):
        return LOW
    return HIGH if len(found) == 1 else MEDIUM


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
class CarrierRow:
    carrier: Carrier
    types: tuple[str, ...]  # titles of the knowledge types it carries
    sole_for: tuple[str, ...]  # titles of the types nobody else carries
    leaving_risk: int

    @property
    def risk_label(self) -> str:
        return str(LEAVING_LABELS[self.leaving_risk])

    @property
    def risk_class(self) -> str:
        return RISK_CLASSES[self.leaving_risk]


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
    rows = []
    for carrier in carriers:
        mine = [key for key in keys if key in carrier.knowledge_types]
        without = [risk_of(c for c in carrying[key] if c.pk != carrier.pk) for key in mine]
        rows.append(
            CarrierRow(
                carrier=carrier,
                types=tuple(titles[key] for key in mine),
                sole_for=tuple(titles[key] for key in mine if len(carrying[key]) == 1),
                leaving_risk=max(without, default=0),
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


@dataclass(frozen=True)
class _Node:
    label: str
    y: int
    mid: int
    shape: str  # person | system | organisational
    kind_label: str


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
    nodes = [
        _Node(
            label=row.carrier.name,
            y=TOP + i * (BOX_H + GAP),
            mid=TOP + i * (BOX_H + GAP) + BOX_H // 2,
            shape=row.carrier.kind,
            kind_label=str(kind_labels[row.carrier.kind]),
        )
        for i, row in enumerate(carrier_map.carriers)
    ]
    left_height = len(nodes) * (BOX_H + GAP)
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
            "box_h": BOX_H,
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
        _("Only carrier of"),
        _("Risk if it leaves"),
        _("What it carries"),
    ]
    kind_labels = dict(CarrierKind.choices)
    rows = [
        [
            row.carrier.name,
            kind_labels[row.carrier.kind],
            "; ".join(row.types),
            "; ".join(row.sole_for),
            row.risk_label,
            row.carrier.description,
        ]
        for row in carrier_map.carriers
    ]
    return header, rows
