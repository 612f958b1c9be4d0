from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verbindend.historyline import services
from verbindend.historyline.models import DEFAULT_TOLERANCE_DAYS, MomentKind
from verbindend.method import content


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def parse_milestones(text: str) -> list[dict[str, str]]:
    """One milestone a line: ``YYYY-MM-DD label``."""
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        when, _sep, label = line.partition(" ")
        try:
            day = date.fromisoformat(when)
        except ValueError:
            raise forms.ValidationError(
                _("Line %(n)s: start with a date as YYYY-MM-DD, then the label."),
                params={"n": number},
            ) from None
        label = label.strip()[:80]
        if not label:
            raise forms.ValidationError(
                _("Line %(n)s: the label is missing."), params={"n": number}
            )
        out.append({"date": day.isoformat(), "label": label})
    if len(out) > services.MAX_MILESTONES:
        raise forms.ValidationError(_("At most 30 milestones."))
    return sorted(out, key=lambda m: m["date"])


def milestones_text(milestones: list[dict[str, str]]) -> str:
    return "\n".join(f"{m['date']} {m['label']}" for m in milestones)


class ExerciseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    start_date = forms.DateField(
        label=_("Start of the time axis"),
        widget=DateInput(),
        help_text=_("For instance the day the network was founded."),
    )
    end_date = forms.DateField(
        label=_("End of the time axis"), widget=DateInput(), initial=timezone.localdate
    )
    milestones = forms.CharField(
        label=_("Milestones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line: a date as YYYY-MM-DD, a space, and a label such as “new chair”."),
    )
    tolerance_days = forms.IntegerField(
        label=_("Tolerance for shared moments (days)"),
        min_value=0,
        max_value=services.MAX_TOLERANCE_DAYS,
        initial=DEFAULT_TOLERANCE_DAYS,
        help_text=_("Peaks or valleys this close in time count as the same moment."),
    )

    def clean_milestones(self) -> list[dict[str, str]]:
        return parse_milestones(self.cleaned_data.get("milestones", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", _("The end of the time axis must come after its start."))
        for item in data.get("milestones") or []:
            if start and end and not start.isoformat() <= item["date"] <= end.isoformat():
                self.add_error(
                    "milestones",
                    _("The milestone “%(label)s” lies outside the time axis.")
                    % {"label": item["label"]},
                )
        return data


class ToleranceForm(forms.Form):
    tolerance_days = forms.IntegerField(
        label=_("Tolerance (days)"), min_value=0, max_value=services.MAX_TOLERANCE_DAYS
    )


def _tag_choices(field: str) -> list[tuple[str, str]]:
    return [("", "—")] + [(n.key, n.title) for n in services.tag_choices(field)]


class MomentForm(forms.Form):
    """A marked peak or valley; the drawing fills in date, height and kind on a tap."""

    on = forms.DateField(label=_("Date"), widget=DateInput())
    value = forms.FloatField(label=_("Height (0–100)"), min_value=0, max_value=100, required=False)
    kind = forms.ChoiceField(label=_("Peak or valley"), choices=MomentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    story = forms.CharField(
        label=_("What happened?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    q_peaks = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    q_valleys = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    q_red_thread = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    level = forms.ChoiceField(label=_("Level"), required=False)
    principle = forms.ChoiceField(label=_("Principle"), required=False)
    condition = forms.ChoiceField(label=_("Condition for collective learning"), required=False)
    knowledge = forms.ChoiceField(label=_("Kind of knowledge"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for q in services.QUESTIONS:
            self.fields[q].label = content.get(f"exercise.history_line.{q}").text("question")
        for field in services.TAG_KINDS:
            self.fields[field].choices = _tag_choices(field)  # type: ignore[attr-defined]

    def answers(self) -> dict[str, str]:
        return {q: self.cleaned_data.get(q, "") for q in services.QUESTIONS}


class InterviewForm(forms.Form):
    person = forms.ChoiceField(label=_("Respondent"))

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people}
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            (pk, f"{p.name} ({p.organisation})" if p.organisation else p.name)
            for pk, p in self.people.items()
        ]
