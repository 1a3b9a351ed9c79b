"""Data governance: each organization's retention policy (audit entries live in
``clinwell.web.audit``)."""

from __future__ import annotations

from django.db import models

from clinwell.web.orgs.models import Organization


class RetentionPolicy(models.Model):
    """How long an organization keeps what it no longer needs (defaults without a row).

    Survey contacts (who was invited, who responded) are already forgotten when a wave
    closes; this policy covers the rest, applied daily by ``apply_retention``.
    """

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="retention_policy"
    )
    raw_response_years = models.PositiveSmallIntegerField(
        default=5,
        help_text="Raw survey answers are deleted this many years after a wave closes; "
        "its released results stay exactly as they were.",
    )
    ehr_run_days = models.PositiveIntegerField(
        default=365, help_text="EHR runs (metrics and upload record) are deleted after this."
    )
    inactive_person_days = models.PositiveIntegerField(
        default=365,
        help_text="Roster people marked inactive are deleted after this long unchanged.",
    )

    def __str__(self) -> str:
        return f"Retention of {self.organization}"
