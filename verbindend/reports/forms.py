from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verbindend.reports import audiences, render
from verbindend.reports.audiences import Audience
from verbindend.reports.models import ReportKind, ReportLanguage


class ReportForm(forms.Form):
    """Period, audience (network reports only), sections (the audience's, checked) and language."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sections = forms.MultipleChoiceField(
        label=_("Sections"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    audience = forms.ChoiceField(
        label=_("Written for"),
        choices=Audience.choices,
        widget=forms.RadioSelect,
        initial=Audience.MEMBERS,
        required=False,  # not sent: the members' report
    )
    language = forms.ChoiceField(
        label=_("Language of the report"),
        choices=ReportLanguage.choices,
        widget=forms.RadioSelect,
    )

    def __init__(
        self, *args: Any, kind: str, language: str = "nl", audience: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(s.key, s.title) for s in render.available(kind)]
        sections = self.fields["sections"]
        assert isinstance(sections, forms.MultipleChoiceField)
        sections.choices = choices
        suggested = set(audiences.template(audience).sections) if audience else None
        self.fields["sections"].initial = [
            key for key, _title in choices if suggested is None or key in suggested
        ]
        self.fields["audience"].initial = audiences.template(audience).key
        self.fields["language"].initial = language if language in ReportLanguage.values else "nl"
        if kind == ReportKind.STUDY:
            del self.fields["audience"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period must start before it ends."))
        return data
