"""Per-organization state of the knowledge pages: Joy in Medicine readiness progress."""

from __future__ import annotations

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
