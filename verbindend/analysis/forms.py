from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verbindend.analysis.models import Code
from verbindend.analysis.queries import Node, code_tree


def _tree_choices(
    study: Any, exclude: Code | None = None, tree: list[Node] | None = None
) -> list[tuple[Any, str]]:
    return [
        (node.code.pk, ("— " * node.depth) + node.code.label)
        for node in (code_tree(study, counts=False) if tree is None else tree)
        if exclude is None or node.code.pk != exclude.pk
    ]


class _StudyCodeForm(forms.Form):
    """A form whose code choices are the study's codebook in tree order; a page that already
    read the tree passes it as ``tree``, so it is not read twice."""

    def __init__(
        self,
        *args: Any,
        study: Any,
        exclude: Code | None = None,
        tree: list[Node] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.study = study
        choices = None
        for f in self.fields.values():
            if isinstance(f, forms.ModelChoiceField):
                choices = choices or _tree_choices(study, exclude, tree)
                f.queryset = Code.objects.filter(study=study)
                f.choices = [("", "—"), *choices]


class SeedForm(forms.Form):
    with_findings = forms.BooleanField(
        label=_("Also the findings of the research, as sub-codes"), required=False
    )


class CodeForm(_StudyCodeForm):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    parent = forms.ModelChoiceField(label=_("Under"), queryset=Code.objects.none(), required=False)
    colour = forms.CharField(
        label=_("Colour"),
        max_length=7,
        initial="#1d4e5f",
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    definition = forms.CharField(
        label=_("Definition"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    order = forms.IntegerField(label=_("Position"), min_value=0, max_value=100000, initial=0)


class NewCodeForm(_StudyCodeForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    parent = forms.ModelChoiceField(label=_("Under"), queryset=Code.objects.none(), required=False)
    colour = forms.CharField(
        label=_("Colour"),
        max_length=7,
        initial="#1d4e5f",
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    definition = forms.CharField(
        label=_("Definition"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MergeForm(_StudyCodeForm):
    target = forms.ModelChoiceField(label=_("Merge into"), queryset=Code.objects.none())


class ApplyCodeForm(_StudyCodeForm):
    code = forms.ModelChoiceField(label=_("Code"), queryset=Code.objects.none())
    start = forms.IntegerField(label=_("From character"), min_value=0)
    end = forms.IntegerField(label=_("To character (not included)"), min_value=1)


class MemoForm(forms.Form):
    text = forms.CharField(
        label=_("Memo"), max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )
