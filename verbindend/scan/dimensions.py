"""The respondent attributes a scan asks about and breaks its results down by.

One descriptor per attribute: adding one is an entry in ``ATTRIBUTES`` and a migration adding
its field to ``scan.Response`` (a person's field of the same name on ``networks.Person``
prefills it). The form, the stored response, the breakdowns, the export and a respondent's copy
of their data all follow this list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from verbindend.networks.models import Engagement, LeadRole, Tenure

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Attribute:
    name: str  # the field on scan.Response and on networks.Person
    question: StrOrPromise  # how the scan asks it
    choices: type[models.TextChoices]

    def label(self, value: str) -> str:
        return str(dict(self.choices.choices).get(value, value))


ATTRIBUTES = (
    Attribute("lead_role", _("Your role in the network"), LeadRole),
    Attribute("engagement", _("You take part as"), Engagement),
    Attribute("tenure", _("How long have you been involved?"), Tenure),
)
BY_NAME = {attribute.name: attribute for attribute in ATTRIBUTES}
NAMES = tuple(BY_NAME)

#: breakdown dimensions: the organisation, then every attribute
DIMENSIONS = ("organisation", *NAMES)
#: the order an export drops dimensions in until every combination left covers k people
EXPORT_DROP_ORDER = (*reversed(NAMES), "organisation")
