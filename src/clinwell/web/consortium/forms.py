"""Forms of the consortium pages and of an organization's sharing page."""

from __future__ import annotations

from django import forms

from clinwell.consortium.contribution import MAX_FILE_BYTES
from clinwell.web.consortium.models import PeriodKind

FILE_HELP = (
    "The contribution file your clinwell exported (JSON, schema "
    "clinwell.consortium.contribution version 1), at most 5 MB."
)


class ContributionUploadForm(forms.Form):
    file = forms.FileField(label="Contribution file", help_text=FILE_HELP)

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_FILE_BYTES:,} bytes.")
        return upload


class MemberForm(forms.Form):
    name = forms.CharField(label="Member system's name", max_length=200)
    slug = forms.SlugField(
        label="Member id",
        max_length=60,
        required=False,
        help_text="Used in contribution files (member.id). Leave empty to make one from the name.",
    )


class ReleaseForm(forms.Form):
    period = forms.ChoiceField(label="Period to release")

    def __init__(self, *args: object, periods: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["period"].choices = [(p, p) for p in periods]  # type: ignore[attr-defined]


class SharingForm(forms.Form):
    consortium_name = forms.CharField(label="Consortium", max_length=200)
    member_id = forms.SlugField(
        label="Your member id",
        max_length=60,
        help_text="The id your consortium gave your organization (member.id in the file).",
    )
    period_kind = forms.ChoiceField(
        label="The consortium pools by", choices=PeriodKind.choices, initial=PeriodKind.HALF_YEAR
    )
    share_survey = forms.BooleanField(
        label="Survey results (burnout, the national KPIs, domains, administrative burden)",
        required=False,
        initial=True,
    )
    share_ehr = forms.BooleanField(
        label="EHR-use metrics (EHR-Time8, WOW8, inbox and note time)", required=False
    )
    share_impact = forms.BooleanField(
        label="Measured impact of finished action plans (difference in differences)",
        required=False,
    )


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(
        label="Pooled-evidence file",
        help_text="The file your consortium publishes (schema clinwell.consortium.evidence).",
    )
