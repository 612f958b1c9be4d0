from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from verbindend.core.roles import StudyRoles
from verbindend.networks.models import Network
from verbindend.studies.models import Case, Study


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


class StudyInviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=StudyRoles.choices)
