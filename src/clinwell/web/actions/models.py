"""Action plans: a target measure for a unit, with interventions, milestones and NAM links.

A plan starts from a result (a driver, a domain, or a unit's heatmap cell) and names the
output column it means to move (``target_measure``, e.g. ``org_wellbeing.documentation_time``).
Interventions, NAM actions and actor groups are stored as knowledge-base keys
(:mod:`clinwell.knowledge`), never copied text, so the catalog stays the one source.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from clinwell.web.orgs.models import Organization, Unit
from clinwell.web.surveys.models import Wave


class ActionPlan(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        ABANDONED = "abandoned", "Abandoned"

    class Source(models.TextChoices):
        DRIVER = "driver", "A driver"
        DOMAIN = "domain", "A domain"
        CELL = "cell", "A unit's heatmap cell"
        OTHER = "other", "Started by hand"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="action_plans"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="action_plans")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.OTHER)
    source_domain = models.CharField(max_length=40, blank=True)
    source_wave = models.ForeignKey(
        Wave,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The wave whose result started the plan: the 'before' of its impact.",
    )
    target_measure = models.CharField(max_length=120)
    target_value = models.FloatField(null=True, blank=True)
    started_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    interventions = models.JSONField(default=list, blank=True)
    nam_actions = models.JSONField(default=list, blank=True)
    actor_groups = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["due_on", "title", "pk"]
        indexes: ClassVar = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.PROPOSED, self.Status.IN_PROGRESS}


class Milestone(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title
