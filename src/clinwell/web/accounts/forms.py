from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed

from clinwell.web.accounts.services.sign_in_policy import password_refused


class EmailAuthenticationForm(AuthenticationForm):
    """The login form: the username field is the e-mail address."""

    username = forms.EmailField(
        label="E-mail address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()

    def clean(self) -> dict[str, object]:
        email = str(self.cleaned_data.get("username") or "")
        reason = password_refused(email) if email else None
        if reason:
            # Refused before the password is even checked; recorded like any refusal.
            user_login_failed.send(
                sender=__name__, credentials={"username": email}, request=self.request
            )
            raise forms.ValidationError(reason, code="single_sign_on")
        return super().clean()


class SingleSignOnForm(forms.Form):
    """ "Sign in with your organization": the e-mail address picks the provider."""

    email = forms.EmailField(
        label="Work e-mail",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app (or a recovery code)",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )
