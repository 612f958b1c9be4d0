from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.db import models
from django.utils.translation import gettext_lazy as _

from verbindend.accounts.models import User


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not (token.isascii() and token.isdigit()):
            raise forms.ValidationError(_("The code consists of digits only."))
        return token


class NewAccountForm(forms.Form):
    """The part of accepting an invitation that creates an account."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=128,
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=128,
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                password_validation.validate_password(
                    p1, User(username=self.email, email=self.email)
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "preferred_language"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].choices = [  # type: ignore[attr-defined]
            ("", _("Follow the browser")),
            *settings.LANGUAGES,
        ]


class InviteForm(forms.Form):
    """Invite someone by email to one role in a network or a study (the scope's own roles)."""

    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, roles: type[models.TextChoices], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles.choices  # type: ignore[attr-defined]
