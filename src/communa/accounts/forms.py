"""Web forms of accounts: they parse input; the actions apply the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from communa.accounts.models import Gender
from communa.accounts.validation import time_zone_names


class SignupForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=32,
        help_text=_("Latin letters, digits, dots, dashes or underscores."),
    )
    email = forms.EmailField(label=_("E-mail"))
    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(render_value=False))
    password_again = forms.CharField(label=_("Password again"), widget=forms.PasswordInput)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username or e-mail"), max_length=254)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


def _language_choices() -> list[tuple[str, Any]]:
    return [("", _("Not set")), *[(code, name) for code, name in settings.LANGUAGES]]


def _country_choices() -> list[tuple[str, Any]]:
    return [("", _("Not set")), *[(code, name) for code, name in countries]]


def _zone_choices() -> list[tuple[str, Any]]:
    zones: list[tuple[str, Any]] = [(z, z) for z in sorted(time_zone_names())]
    return [("", _("Not set")), *zones]


def _gender_choices() -> list[tuple[str, Any]]:
    return [("", _("Not set")), *Gender.choices]


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=_gender_choices)
    birth_year = forms.IntegerField(label=_("Birth year"), required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False, choices=_country_choices)
    language = forms.ChoiceField(label=_("Language"), required=False, choices=_language_choices)
    time_zone = forms.ChoiceField(label=_("Time zone"), required=False, choices=_zone_choices)


class AvatarForm(forms.Form):
    avatar = forms.FileField(label=_("Avatar"), help_text=_("JPEG, PNG, WebP or GIF."))


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)


class PasswordResetForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))


class SetPasswordForm(forms.Form):
    new_password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"),
        required=False,
        help_text=_("Leave empty for a token that does not expire."),
    )
