"""Networks, their organisations and people, and who may do what in them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verbindend.core.roles import NetworkRoles
from verbindend.core.scopes import RoleGrant

if TYPE_CHECKING:
    from verbindend.accounts.models import User


class GovernanceForm(models.TextChoices):
    PARTICIPANT_GOVERNED = "participant_governed", _("Participant-governed")
    LEAD_ORGANISATION = "lead_organisation", _("Lead organisation")
    ADMINISTRATIVE_ORGANISATION = (
        "administrative_organisation",
        _("Network administrative organisation"),
    )


class GoalOrigin(models.TextChoices):
    VOLUNTARY = "voluntary", _("Voluntary")
    MANDATED = "mandated", _("Mandated")


class Scale(models.TextChoices):
    LOCAL = "local", _("Local")
    REGIONAL = "regional", _("Regional")
    FLEMISH = "flemish", _("Flemish")
    NATIONAL = "national", _("National")
    INTERNATIONAL = "international", _("International")


class Phase(models.TextChoices):
    STARTING = "starting", _("Starting")
    GROWING = "growing", _("Growing")
    MATURE = "mature", _("Mature")
    RENEWING = "renewing", _("Renewing")
    ENDING = "ending", _("Ending")


class Sector(models.TextChoices):
    SOCIAL_ECONOMY = "social_economy", _("Social economy")
    SOCIO_CULTURAL = "socio_cultural", _("Socio-cultural work")
    EDUCATION = "education", _("Education")
    CARE = "care", _("Care and welfare")
    PUBLIC = "public", _("Public sector")
    PROFIT = "profit", _("Profit sector")
    OTHER = "other", _("Other")


class OrganisationSize(models.TextChoices):
    SMALL = "small", _("Small (under 10 people)")
    MEDIUM = "medium", _("Medium (10 to 50)")
    LARGE = "large", _("Large (over 50)")


class LeadRole(models.TextChoices):
    TREKKER = "trekker", _("Leading (trekker)")
    FOLLOWER = "follower", _("Following")


class Engagement(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional")
    VOLUNTEER = "volunteer", _("Volunteer")


class Tenure(models.TextChoices):
    NEWCOMER = "newcomer", _("Newcomer")
    LONG_STANDING = "long_standing", _("Long-standing")


class NetworkQuerySet(models.QuerySet["Network"]):
    def visible_to(self, user: User) -> NetworkQuerySet:
        """Networks where the user holds a role, or that agreed to be a case of their study."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        from verbindend.core.roles import StudyRoles
        from verbindend.studies.models import Case, StudyRole

        my_research = StudyRole.objects.filter(
            study=OuterRef("study"), user=user, role=StudyRoles.RESEARCHER
        )
        case_of_my_study = (
            Case.objects.agreed().filter(network=OuterRef("pk")).filter(Exists(my_research))
        )
        return self.filter(Q(roles__user=user) | Exists(case_of_my_study)).distinct()


class Network(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    common_goal = models.TextField(_("common goal"), max_length=2000, blank=True)
    governance_form = models.CharField(
        _("governance form"), max_length=40, choices=GovernanceForm, blank=True
    )
    goal_origin = models.CharField(
        _("origin of the common goal"), max_length=20, choices=GoalOrigin, blank=True
    )
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    scale = models.CharField(_("scale"), max_length=20, choices=Scale, blank=True)
    phase = models.CharField(_("life phase"), max_length=20, choices=Phase, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    k_threshold = models.PositiveSmallIntegerField(
        _("smallest group shown"),
        default=5,
        validators=[MinValueValidator(5), MaxValueValidator(100)],
        help_text=_("No breakdown is shown for fewer respondents than this (at least 5)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("networks:detail", args=[self.slug])

    @property
    def network(self) -> Network:
        return self

    def get_sectors_display(self) -> list[str]:
        labels = dict(Sector.choices)
        return [str(labels.get(s, s)) for s in self.sectors]


class NetworkRole(RoleGrant):
    """Grants a user one role in one network."""

    scope_name = "network"
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_roles"
    )
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=NetworkRoles.choices)

    class Meta:
        verbose_name = _("network role")
        verbose_name_plural = _("network roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "network", "role"], name="unique_network_role")
        ]


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: User) -> OrganisationQuerySet:
        networks = Network.objects.visible_to(user)
        return self.filter(memberships__network__in=networks).distinct()


class Organisation(models.Model):
    """An organisation; shared by every network it belongs to."""

    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector, blank=True)
    type = models.CharField(_("type"), max_length=120, blank=True)
    size = models.CharField(_("size"), max_length=10, choices=OrganisationSize, blank=True)
    website = models.URLField(_("website"), blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def policy_scopes(self) -> list[Network]:
        """Shared by its networks: whoever may act in any of them may act on it."""
        return [m.network for m in self.memberships.select_related("network")]


class OrganisationMembershipQuerySet(models.QuerySet["OrganisationMembership"]):
    def visible_to(self, user: User) -> OrganisationMembershipQuerySet:
        return self.filter(network__in=Network.objects.visible_to(user))

    def current(self, on: object = None) -> OrganisationMembershipQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(joined_on__isnull=True) | Q(joined_on__lte=day)).filter(
            Q(left_on__isnull=True) | Q(left_on__gte=day)
        )


class OrganisationMembership(models.Model):
    """One period in which an organisation belongs to a network."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = OrganisationMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership period")
        verbose_name_plural = _("membership periods")
        ordering = ["organisation__name", "joined_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=models.F("joined_on")),
                name="membership_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.network}"


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: User) -> PersonQuerySet:
        return self.filter(network__in=Network.objects.visible_to(user))


class Person(models.Model):
    """Someone in a network, with the attributes the method's analyses break down by."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(
        _("name or pseudonym"), max_length=200, help_text=_("A pseudonym is fine.")
    )
    email = models.EmailField(_("email"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    lead_role = models.CharField(
        _("role in the network"), max_length=20, choices=LeadRole, blank=True
    )
    engagement = models.CharField(
        _("professional or volunteer"), max_length=20, choices=Engagement, blank=True
    )
    tenure = models.CharField(_("tenure"), max_length=20, choices=Tenure, blank=True)
    involved_since = models.DateField(_("involved since"), null=True, blank=True)
    gender = models.CharField(
        _("gender (self-described)"), max_length=60, blank=True, help_text=_("Optional.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# -- roles, competences, recruitment and onboarding (principles 3, 4 and 5) ----------------------


class _ByNetwork(models.QuerySet[Any]):
    def visible_to(self, user: User) -> Any:
        return self.filter(network__in=Network.objects.visible_to(user))


class Role(models.Model):
    """A role in the network's work (chair, host, scribe, ...): described, valued, rotated.

    Not an access right (that is :class:`NetworkRole`): principle 3 asks the network to define
    and value the different roles people take up in it.
    """

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="described_roles")
    title = models.CharField(_("role"), max_length=120)
    description = models.TextField(_("what it involves"), max_length=2000, blank=True)
    valued_for = models.TextField(_("why the network values it"), max_length=2000, blank=True)
    rotation = models.CharField(
        _("rotation"),
        max_length=200,
        blank=True,
        help_text=_("For example: every two years, or per meeting in turn."),
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = _ByNetwork.as_manager()

    class Meta:
        verbose_name = _("role in the network")
        verbose_name_plural = _("roles in the network")
        ordering = ["order", "title", "pk"]

    def __str__(self) -> str:
        return self.title


class RoleHolder(models.Model):
    """Who held a role, from when to when (empty: still holds it)."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="holders")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="held_roles")
    since = models.DateField(_("since"), default=timezone.localdate)
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-since", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="role_holder_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.role}"

    @property
    def network(self) -> Network:
        return self.role.network


class Competence(models.Model):
    """A competence in the network's networker profile: from the method's list or its own."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="competences")
    content_key = models.CharField(max_length=120, blank=True)
    title = models.CharField(_("competence"), max_length=200, blank=True)
    description = models.TextField(_("what it looks like here"), max_length=2000, blank=True)

    objects = _ByNetwork.as_manager()

    class Meta:
        verbose_name = _("competence")
        verbose_name_plural = _("competences")
        ordering = ["content_key", "title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "content_key"],
                condition=~Q(content_key=""),
                name="one_method_competence_per_network",
            )
        ]

    def __str__(self) -> str:
        return self.title or self.content_key


class ChecklistStage(models.TextChoices):
    RECRUIT = "recruit", _("Recruiting")
    WELCOME = "welcome", _("Welcoming")


class ChecklistItem(models.Model):
    """One step of the network's recruitment or onboarding checklist."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="checklist")
    stage = models.CharField(_("stage"), max_length=10, choices=ChecklistStage)
    title = models.CharField(_("step"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    objects = _ByNetwork.as_manager()

    class Meta:
        ordering = ["stage", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class ChecklistTick(models.Model):
    """A checklist step done for one newcomer."""

    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="ticks")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="checklist_ticks")
    done_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "person"], name="one_tick_per_step_and_person")
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.person}"

    @property
    def network(self) -> Network:
        return self.item.network


class WelcomeLinkQuerySet(_ByNetwork):
    def valid(self, now: Any = None) -> Any:
        moment = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=moment)


class WelcomeLink(models.Model):
    """A link to the welcome pack that works without an account until it expires."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="welcome_links")
    token = models.CharField(max_length=64, unique=True)
    note = models.CharField(_("for whom"), max_length=200, blank=True)
    expires_at = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WelcomeLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.network} · {self.expires_at:%Y-%m-%d}"
