"""Forms of the learning log. Choices of levels, knowledge types, principles and anchoring places
come from the method content, in the language of the request."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verbindend.learninglog.models import (
    CONDITIONS,
    EVIDENCE_FIELDS,
    Carrier,
    CarrierKind,
    Entry,
    GoalStatus,
    LearningGoal,
    Progress,
)
from verbindend.method import content


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def content_choices(kind: str) -> list[tuple[str, str]]:
    return [(node.key, node.title) for node in content.of_kind(kind)]


def anchor_choices() -> list[tuple[str, str]]:
    return [(n.key, n.title) for n in content.get("condition.anchored").children("anchor_place")]


def _keys_field(label: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, required=False, widget=forms.CheckboxSelectMultiple
    )


class EntryForm(forms.ModelForm):
    levels = _keys_field(_("Levels it touched"))
    knowledge_types = _keys_field(_("Knowledge types"))
    principles = _keys_field(_("Principles"))
    anchor_places = _keys_field(_("Where it is anchored"))

    class Meta:
        model = Entry
        fields = [
            "title",
            "change",
            "happened_on",
            "involved",
            "people",
            "organisations",
            "levels",
            "knowledge_types",
            "goal",
            "principles",
            *EVIDENCE_FIELDS,
            "anchor_places",
        ]
        widgets = {
            "happened_on": DateInput(),
            "change": forms.Textarea(attrs={"rows": 3}),
            "people": forms.CheckboxSelectMultiple,
            "organisations": forms.CheckboxSelectMultiple,
            **{name: forms.Textarea(attrs={"rows": 2}) for name in EVIDENCE_FIELDS},
        }

    def __init__(self, *args: Any, network: Any, may_link_people: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from verbindend.networks.models import Organisation

        self.fields["levels"].choices = content_choices("level")  # type: ignore[attr-defined]
        self.fields["knowledge_types"].choices = content_choices("knowledge_type")  # type: ignore[attr-defined]
        self.fields["principles"].choices = content_choices("principle")  # type: ignore[attr-defined]
        self.fields["anchor_places"].choices = anchor_choices()  # type: ignore[attr-defined]
        self.fields["goal"].queryset = LearningGoal.objects.filter(network=network)  # type: ignore[attr-defined]
        self.fields["goal"].empty_label = _("No particular goal")  # type: ignore[attr-defined]
        self.fields["organisations"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            memberships__network=network
        ).distinct()
        if may_link_people:
            self.fields["people"].queryset = network.people.all()  # type: ignore[attr-defined]
        else:
            del self.fields["people"]
        for key, name in zip(CONDITIONS, EVIDENCE_FIELDS, strict=True):
            node = content.get(key)
            self.fields[name].label = node.title
            self.fields[name].help_text = node.text("question")


class GoalForm(forms.ModelForm):
    principles = _keys_field(_("Principles it serves"))

    class Meta:
        model = LearningGoal
        fields = ["title", "description", "principles", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["principles"].choices = content_choices("principle")  # type: ignore[attr-defined]
        self.fields["status"].choices = GoalStatus.choices  # type: ignore[attr-defined]


class RevisitForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())
    progress = forms.ChoiceField(label=_("Progress"), choices=Progress.choices)
    note = forms.CharField(
        label=_("What did you notice?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CarrierForm(forms.ModelForm):
    knowledge_types = _keys_field(_("Knowledge types it carries"))

    class Meta:
        model = Carrier
        fields = ["kind", "name", "person", "description", "knowledge_types"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, network: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["knowledge_types"].choices = content_choices("knowledge_type")  # type: ignore[attr-defined]
        self.fields["person"].queryset = network.people.all()  # type: ignore[attr-defined]
        self.fields["person"].required = False
        self.fields["person"].help_text = _("Only for a person: link them to the network's people.")
        self.fields["kind"].choices = CarrierKind.choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("person") and data.get("kind") != CarrierKind.PERSON:
            self.add_error(
                "person", _("Only a carrier of kind “person” can be linked to a person.")
            )
        if not data.get("knowledge_types"):
            self.add_error("knowledge_types", _("Choose at least one type of knowledge."))
        return data


class FilterForm(forms.Form):
    """The overview's filters; bad values are ignored, not errors."""

    goal = forms.TypedChoiceField(label=_("Learning goal"), required=False, coerce=int)
    reached = forms.TypedChoiceField(label=_("Reached at least"), required=False, coerce=int)
    level = forms.ChoiceField(label=_("Level"), required=False)
    knowledge = forms.ChoiceField(label=_("Knowledge type"), required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Until"), required=False, widget=DateInput())

    def __init__(self, *args: Any, network: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["goal"].choices = everything + [  # type: ignore[attr-defined]
            (g.pk, g.title) for g in LearningGoal.objects.filter(network=network)
        ]
        self.fields["reached"].choices = everything + [  # type: ignore[attr-defined]
            (i + 1, f"{i + 1}. {content.get(key).title}") for i, key in enumerate(CONDITIONS)
        ]
        self.fields["level"].choices = everything + content_choices("level")  # type: ignore[attr-defined]
        self.fields["knowledge"].choices = everything + content_choices("knowledge_type")  # type: ignore[attr-defined]
