"""The forms render with the project's engine, and its select writes what Django's writes."""

from __future__ import annotations

import re

from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template import engines

from verbindend.core.forms import FormRenderer


class Choosing(forms.Form):
    plain = forms.ChoiceField(
        choices=[("", "—"), ("a", "Één & twee"), ("b", '"Quoted" <b>')], required=False
    )
    grouped = forms.ChoiceField(
        choices=[("Fruit", [("apple", "Apple"), ("pear", "Pear")]), ("none", "None")],
        widget=forms.Select(attrs={"class": "wide"}),
    )
    many = forms.MultipleChoiceField(choices=[(1, "One"), (2, "Two"), (3, "Three")])


def squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def test_the_forms_render_with_the_projects_engine() -> None:
    renderer = get_default_renderer()
    assert isinstance(renderer, FormRenderer)
    origin = renderer.get_template("django/forms/widgets/select.html").origin.name
    assert "verbindend/core/templates" in origin, "this app's select replaces Django's"
    assert engines["django"].get_template("core/field.html")  # the same engine has the field


def test_our_select_writes_what_djangos_writes() -> None:
    form = Choosing(data={"plain": "b", "grouped": "pear", "many": ["1", "3"]})
    ours = {name: squeeze(str(form[name])) for name in form.fields}
    form.renderer = DjangoTemplates()
    theirs = {name: squeeze(str(form[name])) for name in form.fields}
    assert ours == theirs
    assert '<option value="b" selected>&quot;Quoted&quot; &lt;b&gt;</option>' in ours["plain"]
    assert '<optgroup label="Fruit"><option value="apple">Apple</option>' in ours["grouped"]
    assert ours["many"].count(" selected") == 2
