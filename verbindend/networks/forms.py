from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from verbindend.core.roles import NetworkRoles
from verbindend.networks.models import (
    Network,
    Organisation,
    OrganisationMembership,
    Person,
    Role,
    Sector,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class NetworkForm(forms.ModelForm):
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"),
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Network
        fields = [
            "name",
            "slug",
            "description",
            "common_goal",
            "governance_form",
            "goal_origin",
            "sectors",
            "scale",
            "phase",
            "founded_on",
            "k_threshold",
        ]
        widgets = {"founded_on": DateInput(), "description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "slug": _("Used in web addresses: lower-case letters, digits and hyphens."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or slugify(self.cleaned_data.get("name", ""))[:80]
        if not slug:
            raise forms.ValidationError(_("Give a short name with letters or digits."))
        clash = Network.objects.filter(slug=slug).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This short name is taken; choose another."))
        return slug


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "sector", "type", "size", "website"]


class MembershipForm(forms.ModelForm):
    class Meta:
        model = OrganisationMembership
        fields = ["joined_on", "left_on"]
        widgets = {"joined_on": DateInput(), "left_on": DateInput()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        joined, left = data.get("joined_on"), data.get("left_on")
        if joined and left and left < joined:
            self.add_error("left_on", _("An organisation cannot leave before it joined."))
        return data


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "email",
            "organisation",
            "lead_role",
            "engagement",
            "tenure",
            "involved_since",
            "gender",
        ]
        widgets = {"involved_since": DateInput()}

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.network = network
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            memberships__network=network
        ).distinct()

    def clean_email(self) -> str:
        email = (self.cleaned_data.get("email") or "").strip().lower()
        if email:
            clash = Person.objects.filter(network=self.network, email__iexact=email).exclude(
                pk=self.instance.pk
            )
            if clash.exists():
                raise forms.ValidationError(_("Someone in this network already has this address."))
        return email


class BulkInviteForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=_("People to invite"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    role = forms.ChoiceField(label=_("Role"), choices=NetworkRoles.choices, initial="member")

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = (  # type: ignore[attr-defined]
            Person.objects.filter(network=network, user__isnull=True).exclude(email="")
        )


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The file holds"),
        choices=[("people", _("people")), ("organisations", _("organisations"))],
        initial="people",
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "One per row, with the column names in the first row. People: name, email, "
            "organisation, sector, role, engagement, tenure, since, gender. Organisations: name, "
            "sector, type, size, website, joined, left. Only name is required."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class ConfirmDeleteForm(forms.Form):
    confirm = forms.CharField(label=_("Type the name to confirm"), max_length=200)

    def __init__(self, *args: Any, expected: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"]
        if value.strip() != self.expected.strip():
            raise forms.ValidationError(_("The name you typed does not match."))
        return value


class RoleForm(forms.ModelForm):
    class Meta:
        model = Role
        fields = ["title", "description", "valued_for", "rotation"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "valued_for": forms.Textarea(attrs={"rows": 2}),
        }
