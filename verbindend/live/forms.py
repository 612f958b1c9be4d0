"""Forms of the live screens; the writer checks every answer again on its own."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verbindend.live import kinds
from verbindend.live.models import CODE_LENGTH
from verbindend.networks.models import Network, Organisation


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Session code"),
        max_length=CODE_LENGTH + 4,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class JoinForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=CODE_LENGTH + 4)
    display_name = forms.CharField(
        label=_("Your name (or a nickname)"),
        max_length=80,
        required=False,
        help_text=_("Leave empty to take part anonymously."),
    )
    network = forms.ModelChoiceField(
        label=_("Your network"),
        queryset=Network.objects.none(),
        required=True,
    )
    organisation = forms.ModelChoiceField(
        label=_("Your organisation"),
        queryset=Organisation.objects.none(),
        required=False,
    )

    def __init__(
        self, *args: Any, organisations: Any = None, networks: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if networks is None:
            del self.fields["network"]
        else:
            self.fields["network"].queryset = networks  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        network, organisation = data.get("network"), data.get("organisation")
        if (
            network is not None
            and organisation is not None
            and not network.memberships.filter(organisation=organisation).exists()
        ):
            self.add_error("organisation", _("This organisation is not part of that network."))
        return data


class CreateForm(forms.Form):
    template = forms.CharField(max_length=40)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    principles = forms.CharField(max_length=200, required=False)

    def principle_list(self) -> list[str]:
        raw = self.cleaned_data.get("principles", "")
        return [p.strip() for p in raw.split(",") if p.strip()]


class DetailsForm(forms.Form):
    """A session's title and the day it takes place (set on the steps page)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    planned_for = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Members see the session on their overview that day."),
    )


def _aids() -> list[tuple[str, str]]:
    from verbindend.method import aids

    return [("", "—")] + [(f"aid.{n}", aids.node(n).text("title")) for n in aids.names()]


class StepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=kinds.choices)
    prompt = forms.CharField(
        label=_("Question or instruction"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    options = forms.CharField(
        label=_("Options (one per line, for a choice or a ranking)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    multiple = forms.BooleanField(label=_("More than one option may be chosen"), required=False)
    several = forms.BooleanField(
        label=_("Several answers per person (a brainstorm)"),
        required=False,
        help_text=_("Off: each person gives one answer, which they can change."),
    )
    aid = forms.ChoiceField(label=_("Visual aid (for a slide)"), required=False, choices=_aids)
    picture = forms.FileField(
        label=_("Or your own picture (for a slide)"),
        required=False,
        help_text=_("PNG, JPEG, WebP or GIF, at most 10 MB; shown on the wall and the phones."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}
        ),
    )


class EnterForm(forms.Form):
    name = forms.CharField(label=_("Name of the person"), max_length=80, required=False)
    text = forms.CharField(
        label=_("Their answer"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ThemeForm(forms.Form):
    name = forms.CharField(label=_("New theme"), max_length=120)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email of the co-facilitator"))


class SynthesisForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes of the facilitators"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
