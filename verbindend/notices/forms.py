from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verbindend.notices import kinds
from verbindend.notices.kinds import Mode


class PreferencesForm(forms.Form):
    """Consent to be mailed, then one choice per kind of notice."""

    contact = forms.BooleanField(
        label=_("I agree to receive email from Verbindend about my networks and studies."),
        help_text=_("Without this agreement nothing is mailed; every notice stays in your inbox."),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in kinds.all_kinds():
            self.fields[f"kind_{kind.key}"] = forms.ChoiceField(
                label=str(kind.label), choices=Mode.choices, widget=forms.RadioSelect
            )

    def modes(self) -> dict[str, str]:
        return {
            name.removeprefix("kind_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("kind_")
        }
