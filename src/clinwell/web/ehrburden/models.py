"""EHR-metrics runs and their per-clinician rows.

An :class:`EhrRun` is one computation of the EHR-use metrics (``clinwell.ehr``) from uploaded
or server-side audit-log files. It carries everything the reporting guidance asks to be kept
with a result (parameters, input problems, engine facts; Rule et al., JAMIA 2024;31(3):784-789)
and a visible progress row. :class:`EhrMetricRow` holds one clinician-period row of the engine's
output, with the roster unit that the clinician id mapped to (``Person.external_id``) when the
run finished. Rows are written in one transaction at the end of a run: a failed run has none.
Nothing here is shown per clinician; pages show unit aggregates through the privacy gate.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from clinwell.web.orgs.models import Organization, Unit

STAGES: tuple[str, ...] = (
    "Queued",
    "Reading inputs",
    "Validating inputs",
    "Computing active time and WOW",
    "Counting orders",
    "Assembling metrics",
    "Mapping clinicians to the roster",
    "Saving results",
)
"""Stages of a run, in order; the engine reports the middle ones through its progress callback."""


class EhrRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Source(models.TextChoices):
        UPLOAD = "upload", "Uploaded files"
        SERVER = "server", "Files on the server"
        DEMO = "demo", "Synthetic demo log"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    inputs = models.JSONField(default=dict)  # kind -> display name (file name or relative path)
    options = models.JSONField(default=dict)  # what was asked: compute_metrics keyword arguments
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=200, default="Queued")
    stage_index = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    parameters = models.JSONField(default=dict)  # MetricParams.to_dict() of the finished run
    problems = models.JSONField(default=list)  # Problem.to_dict() of each input problem
    run_info = models.JSONField(default=dict)  # engine, memory limit, rows, seconds, version
    clinicians = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)
    ambiguous = models.PositiveIntegerField(default=0)
    first_period = models.DateField(null=True, blank=True)
    last_period = models.DateField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"EHR run {self.pk} ({self.status})"

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return round(100 * self.stage_index / len(STAGES))


class EhrMetricRow(models.Model):
    """One row of the engine's output (see ``clinwell.ehr.OUTPUT_COLUMNS``)."""

    run = models.ForeignKey(EhrRun, on_delete=models.CASCADE, related_name="rows")
    clinician_id = models.CharField(max_length=100)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    period_start = models.DateField()
    scheduled_hours = models.FloatField()
    ehr_hours = models.FloatField()
    wow_hours = models.FloatField()
    note_hours = models.FloatField()
    inbox_hours = models.FloatField()
    order_hours = models.FloatField()
    prescription_hours = models.FloatField()
    chart_review_hours = models.FloatField()
    ehr_time8 = models.FloatField(null=True)
    wow8 = models.FloatField(null=True)
    note_time8 = models.FloatField(null=True)
    ib_time8 = models.FloatField(null=True)
    rx_time8 = models.FloatField(null=True)
    teamwork_orders_pct = models.FloatField(null=True)
    signed_orders = models.IntegerField(null=True)
    team_orders = models.IntegerField(null=True)
    inbox_messages = models.IntegerField(null=True)
    inbox_msgs8 = models.FloatField(null=True)

    class Meta:
        ordering: ClassVar = ["run", "clinician_id", "period_start"]
        indexes: ClassVar = [models.Index(fields=["run", "clinician_id"])]

    def __str__(self) -> str:
        return "EHR metric row"


class ActionMapping(models.Model):
    """An organization's own activity for an audit-log action code (the mapping page).

    Used by every later run of the organization, over the uploaded or default action map:
    vendors do not publish what every action or metric code means, so the organization says.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=300)
    activity = models.CharField(max_length=20)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["action"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["organization", "action"], name="ehr_action_mapping_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} → {self.activity}"
