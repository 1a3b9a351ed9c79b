from __future__ import annotations

from typing import Any

from django import forms

from clinwell.web.orgs.models import Organization
from clinwell.web.orgs.services.choices import (
    ROSTER_ROLES,
    TENURE_BANDS,
    ChoiceList,
    ChoiceListError,
    format_choices,
    parse_choices,
)

UPLOAD_HELP = "CSV (UTF-8) or Excel .xlsx, first row holds the column names."


class UnitImportForm(forms.Form):
    file = forms.FileField(label="Units file", help_text=UPLOAD_HELP)


class RosterImportForm(forms.Form):
    file = forms.FileField(label="Roster file", help_text=UPLOAD_HELP)
    deactivate_missing = forms.BooleanField(
        required=False,
        label="Mark people who are not in this file as inactive",
    )


CHOICES_HELP = (
    "One per line (or comma-separated), each as 'key: Label' or just a label. Imports accept "
    "the key or the label; the key is what the roster and survey records store, so keep it "
    "when you only rename. A {singular} still held by people on the roster or by survey "
    "records cannot be removed."
)


class OrganizationSettingsForm(forms.Form):
    """What an administrator may change about the organization itself.

    ``organization`` provides the current lists (their initial text, and the keys an entry
    written without one keeps).
    """

    state = forms.RegexField(
        label="US state (two-letter code)",
        regex=r"^[A-Za-z]{2}$",
        required=False,
        max_length=2,
        help_text="Chooses the state physician health program shown to respondents.",
        error_messages={"invalid": "Enter a two-letter state code such as MN, or leave it blank."},
    )
    allow_nonresponder_export = forms.BooleanField(
        label="Let administrators export who has not yet responded (for reminders)",
        required=False,
        help_text=(
            "Off by default. The export lists e-mail, name and unit of those who have not "
            "responded (no answers); reminders work without it."
        ),
    )
    require_two_factor = forms.BooleanField(
        label="Require sign-in codes of unit leaders and executive viewers",
        required=False,
        help_text="Administrators and analysts always sign in with a code from an app.",
    )
    roster_roles = forms.CharField(
        label="Roster roles",
        required=False,  # checked in clean: an empty list is refused, an absent one kept
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=CHOICES_HELP.format(singular="role"),
    )
    tenure_bands = forms.CharField(
        label="Tenure bands",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=CHOICES_HELP.format(singular="tenure band"),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "state": organization.state,
                "allow_nonresponder_export": organization.allow_nonresponder_export,
                "require_two_factor": organization.require_two_factor,
                "roster_roles": format_choices(organization.roster_roles),
                "tenure_bands": format_choices(organization.tenure_bands),
            },
        )
        super().__init__(*args, **kwargs)
        self.organization = organization

    def _clean_choices(self, kind: ChoiceList) -> list[dict[str, str]] | None:
        """The parsed list; ``None`` (keep the current one) when the field was not sent."""
        if kind.field not in self.data:
            return None
        try:
            return parse_choices(
                self.cleaned_data[kind.field], kind, getattr(self.organization, kind.field)
            )
        except ChoiceListError as exc:
            raise forms.ValidationError(exc.errors[kind.field]) from exc

    def clean_roster_roles(self) -> list[dict[str, str]] | None:
        return self._clean_choices(ROSTER_ROLES)

    def clean_tenure_bands(self) -> list[dict[str, str]] | None:
        return self._clean_choices(TENURE_BANDS)


class _UnitChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class RoleForm(forms.Form):
    """A role and, for a unit leader, the subtrees they see (the first is their main one)."""

    role = forms.ChoiceField(label="Role", choices=[])
    units = _UnitChoices(
        label="Units (leaders only)",
        queryset=None,
        required=False,
        help_text="A unit leader sees each chosen unit and everything below it.",
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        from clinwell.web.orgs.models import Membership, Unit

        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = Membership.Role.choices
        units = self.fields["units"]
        assert isinstance(units, forms.ModelMultipleChoiceField)
        units.queryset = Unit.objects.filter(organization=organization).order_by("full_name")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("role") == "leader" and not cleaned.get("units"):
            self.add_error("units", "Choose at least one unit for a unit leader.")
        return cleaned


class InviteForm(RoleForm):
    email = forms.EmailField(label="E-mail address")

    field_order = ["email", "role", "units"]  # noqa: RUF012  (Django's own attribute)


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label="Your name", max_length=200)
    password1 = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="Password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return cleaned
