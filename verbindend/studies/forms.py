from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from verbindend.accounts.models import User
from verbindend.networks.models import Network, Person
from verbindend.studies import extract
from verbindend.studies.models import (
    Case,
    CaseAssessment,
    DocumentKind,
    Interview,
    Respondent,
    StepPlan,
    Study,
)


class StudyForm(forms.ModelForm):
    class Meta:
        model = Study
        fields = ["name", "slug", "kind", "description", "research_questions"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or slugify(self.cleaned_data.get("name", ""))[:80]
        if not slug:
            raise forms.ValidationError(_("Give a short name with letters or digits."))
        if Study.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This short name is taken; choose another."))
        return slug


class ProposeCaseForm(forms.Form):
    network = forms.SlugField(
        label=_("Short name of the network"),
        help_text=_("Its coordinator is asked to agree before you see any of its material."),
    )

    def __init__(self, *args: Any, study: Study, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.study = study

    def clean_network(self) -> Network:
        network = Network.objects.filter(slug=self.cleaned_data["network"]).first()
        if network is None:
            raise forms.ValidationError(_("No network has this short name."))
        if Case.objects.filter(study=self.study, network=network).exists():
            raise forms.ValidationError(_("This network is already a case of the study."))
        return network


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class StepPlanForm(forms.ModelForm):
    class Meta:
        model = StepPlan
        fields = ["starts_on", "ends_on", "owner", "status", "notes"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, study: Study, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = User.objects.filter(study_roles__study=study).distinct().order_by("first_name")
        self.fields["owner"].queryset = team  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date comes before the start date."))
        return data


class CaseAssessmentForm(forms.ModelForm):
    class Meta:
        model = CaseAssessment
        fields = ["durable", "open_about_history", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class AddRespondentForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person of the network"), queryset=Person.objects.none()
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = Respondent.objects.filter(case=case).values("person")
        self.fields["person"].queryset = (  # type: ignore[attr-defined]
            Person.objects.filter(network=case.network).exclude(pk__in=chosen).order_by("name")
        )


class RespondentForm(forms.ModelForm):
    class Meta:
        model = Respondent
        fields = ["selected", "positive_experiences", "critical_experiences", "reflective", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class InterviewForm(forms.ModelForm):
    class Meta:
        model = Interview
        fields = ["scheduled_at", "place", "status", "notes"]
        widgets = {
            "scheduled_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Many files in one field; each is checked later, one by one, so one bad file fails alone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": extract.ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f]
        if not files and self.required:
            raise forms.ValidationError(_("Choose at least one file."))
        return files


class UploadForm(forms.Form):
    documents = MultipleFileField(
        label=_("Files"),
        help_text=_("Plain text, Markdown, HTML, DOCX or PDF; one or many at once."),
        required=False,
    )
    web_address = forms.URLField(
        label=_("Or a web page"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Its main text is fetched in the background; the address and time are kept."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    case = forms.ModelChoiceField(label=_("Case"), queryset=Case.objects.none(), required=False)
    respondent = forms.ModelChoiceField(
        label=_("Respondent (for a transcript)"), queryset=Respondent.objects.none(), required=False
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=500,
        required=False,
        help_text=_("Where it comes from, e.g. “minutes of the steering group” or a web address."),
    )
    date = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", "—"), *settings.LANGUAGES], required=False
    )

    def __init__(self, *args: Any, study: Study, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"].help_text = _(
            "Plain text, Markdown, HTML, DOCX, PDF, or a transcript (.vtt, .srt, Word); one or "
            "many at once (up to %(n)d per round)."
        ) % {"n": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
        self.fields["case"].queryset = (  # type: ignore[attr-defined]
            study.cases.agreed().select_related("network").order_by("network__name")
        )
        self.fields["respondent"].queryset = (  # type: ignore[attr-defined]
            Respondent.objects.filter(study=study).select_related("person")
        )
        self.fields["case"].label_from_instance = lambda case: case.network.name  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("documents") and not data.get("web_address") and not self.errors:
            self.add_error("documents", _("Choose at least one file, or give a web address."))
        respondent, case = data.get("respondent"), data.get("case")
        if respondent is not None:
            if case is not None and respondent.case_id != case.pk:
                self.add_error("respondent", _("This respondent belongs to another case."))
            data["case"] = case or respondent.case
        return data


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the study's material"), max_length=200, min_length=2)
