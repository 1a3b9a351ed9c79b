from __future__ import annotations

from django import forms

from clinwell.web.audit.models import AuditEntry


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="Person (e-mail contains)", required=False, max_length=254)
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any"), *AuditEntry.Action.choices]
    )
    text = forms.CharField(label="Page or object contains", required=False, max_length=200)
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
