from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verbindend.networks.models import (
    Network,
    Organisation,
    OrganisationMembership,
)
from verbindend.scan import dimensions
from verbindend.scan.models import Round


class RoundForm(forms.ModelForm[Round]):
    class Meta:
        model = Round
        fields = ["title", "opens_on", "closes_on", "k", "show_breakdowns", "reminder_days"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.network = network
        self.fields["k"].min_value = max(5, network.k_threshold)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The close date must not be before the open date."))
        k = data.get("k")
        if k is not None and k < self.network.k_threshold:
            self.add_error(
                "k",
                _("The network shows no group smaller than %(k)d.")
                % {"k": self.network.k_threshold},
            )
        return data


def _blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("I prefer not to say")), *choices]


class AboutYouForm(forms.Form):
    """What a respondent says about themselves; stored with their response as given."""

    organisation = forms.ModelChoiceField(
        label=_("Your organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("I prefer not to say"),
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for attribute in dimensions.ATTRIBUTES:  # one field per respondent attribute
            self.fields[attribute.name] = forms.ChoiceField(
                label=attribute.question,
                choices=_blank(attribute.choices.choices),
                required=False,
            )
        current = OrganisationMembership.objects.filter(network=network).current()
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            memberships__in=current
        ).distinct()
