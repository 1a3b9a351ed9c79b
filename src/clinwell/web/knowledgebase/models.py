"""Per-organization state of the knowledge pages: Joy in Medicine readiness progress, and the
pooled evidence the organization imported from its consortium ("measured in N systems")."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from clinwell.web.orgs.models import Organization


class RecognitionProgress(models.Model):
    """The checklist items an organization has ticked (criterion ids of ``recognition.yaml``)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="recognition_progress"
    )
    checked = models.JSONField(default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Recognition readiness of {self.organization}"


class MeasuredEffect(models.Model):
    """One pooled effect an organization imported from its consortium's evidence file (written
    by the consortium app's evidence import; read by the knowledge pages and action plans)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="measured_effects"
    )
    consortium_name = models.CharField(max_length=200)
    imported_at = models.DateTimeField()
    evidence_date = models.CharField(max_length=40, blank=True)
    intervention = models.CharField(max_length=80)
    measure = models.CharField(max_length=120)
    systems = models.PositiveIntegerField()
    plans = models.PositiveIntegerField()
    bundled = models.PositiveIntegerField()
    estimate = models.FloatField()
    se = models.FloatField()
    lower = models.FloatField()
    upper = models.FloatField()
    tau2 = models.FloatField()
    i2 = models.FloatField()
    p_heterogeneity = models.FloatField()
    prediction_lower = models.FloatField(null=True)
    prediction_upper = models.FloatField(null=True)
    improves = models.BooleanField(null=True)

    class Meta:
        ordering: ClassVar = ["intervention", "measure"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["organization", "intervention", "measure"], name="one_effect_per_measure"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.intervention} on {self.measure}"
