"""Coverage of the report's selection criteria: which the chosen cases and respondents cover,
and what the set still lacks. Reads only; nothing here writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from verbindend.method import content
from verbindend.networks.models import (
    Engagement,
    GoalOrigin,
    GovernanceForm,
    LeadRole,
    Network,
    Phase,
    Scale,
    Sector,
    Tenure,
)
from verbindend.studies.models import Case, CaseStatus, Judgement, Respondent, Study

DURABLE_AFTER_YEARS = 3
# The spread the report looked for; the profile may hold more values than these.
REPORT_SECTORS = [Sector.SOCIAL_ECONOMY, Sector.SOCIO_CULTURAL, Sector.EDUCATION]
REPORT_SCALES = [Scale.LOCAL, Scale.REGIONAL, Scale.FLEMISH]
PAST_FIRST_PHASE = {Phase.GROWING, Phase.MATURE, Phase.RENEWING, Phase.ENDING}
MEN = {"man", "m", "male", "men", "mannen", "heer"}
WOMEN = {"vrouw", "v", "f", "female", "woman", "women", "vrouwen"}


@dataclass
class Cell:
    text: str
    ok: bool | None = None  # None: not known yet
    source: str = ""  # "profile" or "judgement"


@dataclass
class Criterion:
    node: content.Node
    spread: bool  # True: the set as a whole must show each option; False: each case must meet it
    options: list[tuple[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)

    @property
    def has_gap(self) -> bool:
        return bool(self.missing or self.flagged)


@dataclass
class CaseRow:
    case: Case
    cells: list[Cell]


@dataclass
class Coverage:
    criteria: list[Criterion]
    rows: list[CaseRow]

    @property
    def gap_count(self) -> int:
        return sum(1 for c in self.criteria if c.has_gap)


def _labels(choices: type, values: Sequence[str]) -> list[tuple[str, str]]:
    names = dict(choices.choices)  # type: ignore[attr-defined]
    return [(v, str(names[v])) for v in values]


def _durability(network: Network, judgement: str, today: date) -> Cell:
    if judgement:
        return Cell(str(Judgement(judgement).label), judgement == Judgement.YES, "judgement")
    if network.founded_on is None:
        return Cell("—")
    years = (today - network.founded_on).days // 365
    text = _("since %(year)d") % {"year": network.founded_on.year}
    return Cell(text, years >= DURABLE_AFTER_YEARS, "profile")


def _judgement(value: str) -> Cell:
    if not value:
        return Cell("—")
    return Cell(str(Judgement(value).label), value == Judgement.YES, "judgement")


def case_coverage(study: Study) -> Coverage:
    """The candidate cases (proposed or agreed) against every case criterion of the report."""
    cases = list(
        study.cases.exclude(status=CaseStatus.DECLINED)
        .select_related("network", "assessment")
        .order_by("network__name")
    )
    today = timezone.localdate()
    node = content.get
    criteria = [
        Criterion(node("case_criterion.durability"), spread=False),
        Criterion(
            node("case_criterion.goal_origin"),
            spread=True,
            options=_labels(GoalOrigin, list(GoalOrigin.values)),
        ),
        Criterion(
            node("case_criterion.governance_form"),
            spread=True,
            options=_labels(GovernanceForm, list(GovernanceForm.values)),
        ),
        Criterion(
            node("case_criterion.sector"), spread=True, options=_labels(Sector, REPORT_SECTORS)
        ),
        Criterion(node("case_criterion.scale"), spread=True, options=_labels(Scale, REPORT_SCALES)),
        Criterion(node("case_criterion.life_phase"), spread=False),
        Criterion(node("case_criterion.openness"), spread=False),
    ]
    covered: list[set[str]] = [set() for _c in criteria]
    rows = []
    for case in cases:
        net = case.network
        assessment = getattr(case, "assessment", None)
        phase_ok = None if not net.phase else net.phase in PAST_FIRST_PHASE
        cells = [
            _durability(net, assessment.durable if assessment else "", today),
            Cell(net.get_goal_origin_display() or "—", bool(net.goal_origin) or None, "profile"),
            Cell(
                net.get_governance_form_display() or "—",
                bool(net.governance_form) or None,
                "profile",
            ),
            Cell(", ".join(net.get_sectors_display()) or "—", bool(net.sectors) or None, "profile"),
            Cell(net.get_scale_display() or "—", bool(net.scale) or None, "profile"),
            Cell(net.get_phase_display() or "—", phase_ok, "profile"),
            _judgement(assessment.open_about_history if assessment else ""),
        ]
        covered[1].add(net.goal_origin)
        covered[2].add(net.governance_form)
        covered[3].update(net.sectors)
        covered[4].add(net.scale)
        for index, criterion in enumerate(criteria):
            if not criterion.spread and cells[index].ok is not True:
                criterion.flagged.append(net.name)
        rows.append(CaseRow(case, cells))
    for index, criterion in enumerate(criteria):
        if criterion.spread:
            criterion.missing = [
                label for value, label in criterion.options if value not in covered[index]
            ]
    return Coverage(criteria, rows)


# -- respondents ----------------------------------------------------------------------


def gender_side(recorded: str) -> str:
    """'men', 'women', 'other' or '' (not recorded) from a self-described gender."""
    value = recorded.strip().lower()
    if not value:
        return ""
    if value in MEN:
        return "men"
    if value in WOMEN:
        return "women"
    return "other"


@dataclass
class Side:
    value: str
    label: str
    count: int = 0


@dataclass
class RespondentCriterion:
    node: content.Node
    sides: list[Side]
    recorded: int = 0
    optional: bool = False  # gender: judged only where recorded

    @property
    def gap(self) -> bool:
        if self.optional and self.recorded == 0:
            return False
        return any(side.count == 0 for side in self.sides)

    @property
    def missing(self) -> list[str]:
        return [side.label for side in self.sides if side.count == 0]


@dataclass
class RespondentRow:
    respondent: Respondent
    values: list[list[str]]  # per criterion: the side values this respondent covers
    labels: list[list[str]] = field(default_factory=list)


@dataclass
class RespondentCoverage:
    criteria: list[RespondentCriterion]
    rows: list[RespondentRow]
    selected: int

    @property
    def gap_count(self) -> int:
        return sum(1 for c in self.criteria if c.gap)


def respondent_sides(respondent: Respondent) -> list[list[str]]:
    person = respondent.person
    experiences = []
    if respondent.positive_experiences:
        experiences.append("positive")
    if respondent.critical_experiences:
        experiences.append("critical")
    gender = gender_side(person.gender)
    return [
        [person.lead_role] if person.lead_role else [],
        [person.engagement] if person.engagement else [],
        [gender] if gender else [],
        [person.tenure] if person.tenure else [],
        experiences,
        [respondent.reflective] if respondent.reflective else [],
    ]


def respondent_coverage(respondents: list[Respondent]) -> RespondentCoverage:
    """Which sides of each respondent criterion the *selected* respondents cover."""
    node = content.get
    criteria = [
        RespondentCriterion(
            node("respondent_criterion.trekker_follower"),
            [Side(v, label) for v, label in _labels(LeadRole, list(LeadRole.values))],
        ),
        RespondentCriterion(
            node("respondent_criterion.professional_volunteer"),
            [Side(v, label) for v, label in _labels(Engagement, list(Engagement.values))],
        ),
        RespondentCriterion(
            node("respondent_criterion.gender"),
            [Side("men", _("men")), Side("women", _("women"))],
            optional=True,
        ),
        RespondentCriterion(
            node("respondent_criterion.tenure"),
            [Side(v, label) for v, label in _labels(Tenure, list(Tenure.values))],
        ),
        RespondentCriterion(
            node("respondent_criterion.experiences"),
            [Side("positive", _("good experiences")), Side("critical", _("critical experiences"))],
        ),
        RespondentCriterion(
            node("respondent_criterion.reflective"), [Side(Judgement.YES, _("reflective"))]
        ),
    ]
    extra = {"other": _("other"), Judgement.NO: _("not reflective")}
    rows = []
    selected = 0
    for respondent in respondents:
        values = respondent_sides(respondent)
        labels = [
            [names.get(v, v) for v in covered]
            for names, covered in zip(
                ({s.value: s.label for s in c.sides} | extra for c in criteria), values, strict=True
            )
        ]
        rows.append(RespondentRow(respondent, values, labels))
        if not respondent.selected:
            continue
        selected += 1
        for criterion, covered in zip(criteria, values, strict=True):
            if covered and covered != ["other"]:
                criterion.recorded += 1
            for side in criterion.sides:
                if side.value in covered:
                    side.count += 1
    return RespondentCoverage(criteria, rows, selected)
