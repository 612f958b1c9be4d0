from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verbindend.reports import render
from verbindend.reports.models import ReportKind, ReportLanguage


class ReportForm(forms.Form):
    """Period (network reports only), sections (all checked at first) and language."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sections = forms.MultipleChoiceField(
        label=_("Sections"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    language = forms.ChoiceField(
        label=_("Language of the report"),
        choices=ReportLanguage.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, kind: str, language: str = "nl", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(s.key, s.title) for s in render.available(kind)]
        sections = self.fields["sections"]
        assert isinstance(sections, forms.MultipleChoiceField)
        sections.choices = choices
        self.fields["sections"].initial = [key for key, _title in choices]
        self.fields["language"].initial = language if language in ReportLanguage.values else "nl"
        if kind == ReportKind.STUDY:
            del self.fields["start"]
            del self.fields["end"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period must start before it ends."))
        return data
