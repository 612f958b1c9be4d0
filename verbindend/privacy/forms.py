from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from verbindend.privacy.models import (
    AuditAction,
    ConsentPurpose,
    ConsentRecord,
    ConsentText,
    RetentionPolicy,
)


class ConsentForm(forms.ModelForm):
    """Consent a coordinator records (e.g. from a signed paper form), to a published version."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        current = [
            f"{text.get_purpose_display()}: {text.version}"
            for purpose in ConsentPurpose.values
            if (text := ConsentText.objects.current(purpose)) is not None
        ]
        if current:
            self.fields["text_version"].help_text = _(
                "Which version of the consent text the person agreed to. Current versions: "
                "%(versions)s."
            ) % {"versions": "; ".join(current)}

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        purpose, version = data.get("purpose"), data.get("text_version")
        if purpose and version:
            known = ConsentText.objects.published().filter(purpose=purpose, version=version)
            if not known.exists():
                self.add_error(
                    "text_version",
                    _("No published consent text for this purpose has this version."),
                )
        return data

    class Meta:
        model = ConsentRecord
        fields = ["purpose", "text_version", "given_at"]
        widgets = {"given_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}
        help_texts = {
            "text_version": _(
                "Which version of the consent text the person agreed to, e.g. 2026.1."
            ),
        }


class TypedConfirmationForm(forms.Form):
    """Irreversible work asks the person to type a word they can only know by reading."""

    confirmation = forms.CharField(label=_("Type to confirm"), max_length=300)

    def __init__(self, *args: object, expected: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.expected = expected

    def clean_confirmation(self) -> str:
        typed = self.cleaned_data["confirmation"].strip()
        if typed.casefold() != self.expected.strip().casefold():
            raise forms.ValidationError(_("What you typed does not match. Nothing was erased."))
        return typed


class GiveConsentForm(forms.Form):
    """Consent given by the person themselves, to the version of the text they were shown."""

    purpose = forms.ChoiceField(label=_("purpose"), choices=ConsentPurpose.choices)
    text_version = forms.CharField(max_length=40, widget=forms.HiddenInput)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        current = ConsentText.objects.current(str(data.get("purpose", "")))
        if current is None or current.version != data.get("text_version"):
            raise forms.ValidationError(
                _("The consent text has changed since you opened the page. Please read it again.")
            )
        data["text"] = current
        return data


class RetentionForm(forms.ModelForm):
    class Meta:
        model = RetentionPolicy
        fields = ["months"]


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("action"), choices=[("", _("all")), *AuditAction.choices], required=False
    )
    subject_type = forms.CharField(label=_("what"), max_length=40, required=False)
    since = forms.DateField(
        label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
