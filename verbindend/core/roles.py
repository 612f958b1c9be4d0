"""The roles of the two scopes (ARCHITECTURE §7): a network and a study."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NetworkRoles(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    FACILITATOR = "facilitator", _("Facilitator")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


class StudyRoles(models.TextChoices):
    RESEARCHER = "researcher", _("Researcher")
    OBSERVER = "observer", _("Observer")


#: the derived role of a study's researcher in a network that agreed to be one of its cases
CASE_RESEARCHER = "case_researcher"
