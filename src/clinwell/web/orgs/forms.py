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
