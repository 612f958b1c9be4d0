from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from verbindend.privacy.models import ConsentRecord


class ConsentForm(forms.ModelForm):
    class Meta:
        model = ConsentRecord
        fields = ["purpose", "text_version", "given_at"]
        widgets = {"given_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}
        help_texts = {
            "text_version": _(
                "Which version of the consent text the person agreed to, e.g. 2026.1."
            ),
        }
