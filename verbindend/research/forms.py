from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verbindend.analysis.models import Code, Memo
from verbindend.research.models import Target


class TermForm(forms.Form):
    term = forms.CharField(label=_("Term"), max_length=200)
    definition = forms.CharField(
        label=_("Definition"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    note = forms.CharField(label=_("Why this change (optional)"), max_length=500, required=False)


class LinksForm(forms.Form):
    """Codes and memos of the same study to link to a term or a reference."""

    codes = forms.ModelMultipleChoiceField(
        label=_("Codes"),
        queryset=Code.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    memos = forms.ModelMultipleChoiceField(
        label=_("Memos"),
        queryset=Memo.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, study: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = self.fields["codes"]
        memos = self.fields["memos"]
        assert isinstance(codes, forms.ModelMultipleChoiceField)
        assert isinstance(memos, forms.ModelMultipleChoiceField)
        codes.queryset = Code.objects.filter(study=study).order_by("order", "pk")
        codes.label_from_instance = lambda c: c.label  # type: ignore[method-assign,assignment]
        memos.queryset = Memo.objects.filter(study=study).order_by("created_at", "pk")
        memos.label_from_instance = lambda m: m.text[:80]  # type: ignore[method-assign,assignment]


class ReferenceForm(LinksForm):
    notes = forms.CharField(
        label=_("Notes"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    tags = forms.CharField(
        label=_("Tags"),
        max_length=500,
        required=False,
        help_text=_("Separate tags with commas."),
    )
    field_order = ["notes", "tags", "codes", "memos"]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("BibTeX (.bib) or RIS (.ris) file"))
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("bibtex", "BibTeX"), ("ris", "RIS")],
        widget=forms.RadioSelect,
        initial="bibtex",
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


TARGETS = dict(Target.choices)
