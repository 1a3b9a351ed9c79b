from __future__ import annotations

from django import forms

UPLOAD_HELP = "CSV (UTF-8) or Excel .xlsx, first row holds the column names."


class UnitImportForm(forms.Form):
    file = forms.FileField(label="Units file", help_text=UPLOAD_HELP)


class RosterImportForm(forms.Form):
    file = forms.FileField(label="Roster file", help_text=UPLOAD_HELP)
    deactivate_missing = forms.BooleanField(
        required=False,
        label="Mark people who are not in this file as inactive",
    )


class OrganizationSettingsForm(forms.Form):
    """What an administrator may change about the organization itself."""

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
