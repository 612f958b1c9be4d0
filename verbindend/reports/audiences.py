"""Who a network report is written for: its members, its board, its funders, or a training group.

The research report was written for a network, its board, its funders and for training. Each
audience here has its own sections (a suggestion: the person asking may still add or leave out
any), its own opening words (tone) and its own length: ``brief`` reports keep lists short. The
figures underneath are the same for everyone — an audience changes what is told, never the counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    MEMBERS = "members", _("The network's members")
    BOARD = "board", _("The board")
    FUNDERS = "funders", _("Funders")
    TRAINING = "training", _("A training group")


@dataclass(frozen=True)
class AudienceTemplate:
    key: str
    title: str | Promise  # the report's title for this audience
    opening: str | Promise  # the first words on the cover: why this report, for whom
    sections: tuple[str, ...]  # the sections suggested for this audience, by key
    brief: bool  # short lists: the board and funders read a summary, not every entry


TEMPLATES: dict[str, AudienceTemplate] = {
    Audience.MEMBERS: AudienceTemplate(
        key=Audience.MEMBERS,
        title=_("Learning report for the members"),
        opening=_(
            "This report is for everyone who takes part in the network. It shows what we did "
            "together, what changed and what we learned from it, so that we can talk about "
            "the next steps."
        ),
        sections=(
            "key_figures",
            "profile",
            "learning_goals",
            "scan",
            "historyline",
            "focus_groups",
            "learning_log",
            "knowledge_carriers",
        ),
        brief=False,
    ),
    Audience.BOARD: AudienceTemplate(
        key=Audience.BOARD,
        title=_("Learning report for the board"),
        opening=_(
            "A summary for the board: where the network stands, which learning goals move, and "
            "which knowledge the network could lose when people leave."
        ),
        sections=("key_figures", "learning_goals", "scan", "learning_log", "knowledge_carriers"),
        brief=True,
    ),
    Audience.FUNDERS: AudienceTemplate(
        key=Audience.FUNDERS,
        title=_("Learning report for funders"),
        opening=_(
            "An account for those who make the network possible: who took part, what the "
            "network set out to learn, and what visibly changed in the period."
        ),
        sections=("key_figures", "profile", "learning_goals", "scan"),
        brief=True,
    ),
    Audience.TRAINING: AudienceTemplate(
        key=Audience.TRAINING,
        title=_("Case report for a training group"),
        opening=_(
            "A case to learn from: how this network works on learning together, told through its "
            "history lines, its focus groups and its log, with questions to reflect on for each "
            "design principle."
        ),
        sections=(
            "key_figures",
            "historyline",
            "focus_groups",
            "learning_log",
            "reflection_questions",
        ),
        brief=False,
    ),
}


def template(key: str | None) -> AudienceTemplate:
    return TEMPLATES.get(key or Audience.MEMBERS, TEMPLATES[Audience.MEMBERS])
