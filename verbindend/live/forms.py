"""Forms of the live screens; the writer checks every answer again on its own."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verbindend.live.models import CODE_LENGTH, StepKind
from verbindend.networks.models import Organisation


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
    organisation = forms.ModelChoiceField(
        label=_("Your organisation"),
        queryset=Organisation.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class CreateForm(forms.Form):
    template = forms.CharField(max_length=40)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    principles = forms.CharField(max_length=200, required=False)

    def principle_list(self) -> list[str]:
        raw = self.cleaned_data.get("principles", "")
        return [p.strip() for p in raw.split(",") if p.strip()]


class StepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=StepKind.choices)
    prompt = forms.CharField(
        label=_("Question or instruction"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    options = forms.CharField(
        label=_("Options (one per line, for a choice)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    multiple = forms.BooleanField(label=_("More than one option may be chosen"), required=False)


class EnterForm(forms.Form):
    name = forms.CharField(label=_("Name of the person"), max_length=80, required=False)
    text = forms.CharField(
        label=_("Their answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
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
