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
