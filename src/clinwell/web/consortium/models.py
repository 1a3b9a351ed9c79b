"""Consortium mode: member systems, their contributions, DP releases; and the member side.

Consortium side (an instance that hosts a :class:`Consortium`): :class:`Member` systems send
:class:`Contribution` files (one per member and period) whose numbers are stored as
:class:`ContributionCell` and :class:`ContributionImpact` rows; :class:`Release` rows are the
public reports released with differential privacy, each charged to the consortium's budget
(``epsilon_total``; the sum of the releases' ``epsilon`` never exceeds it). People reach a
consortium through a :class:`ConsortiumMembership`: *staff* run it and see every member's
numbers (the consortium is the trusted aggregator); a member's *representative* sees the
pooled benchmarks and its own system's position, never another member's.

Member side (any organization): :class:`SharingChoice` records what the organization agreed
to share; the pooled evidence it imports from its consortium is kept in the knowledge base
(:class:`clinwell.web.knowledgebase.models.MeasuredEffect`), shown in its intervention
catalog.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from clinwell.consortium import DEFAULT_MIN_MEMBERS, PUBLIC_REPORT_MEASURES
from clinwell.web.orgs.models import Organization


def _report_measures() -> list[str]:
    return list(PUBLIC_REPORT_MEASURES)


class PeriodKind(models.TextChoices):
    YEAR = "year", "Calendar year (2026)"
    HALF_YEAR = "half_year", "Half-year (2026-H1, 2026-H2)"


class Consortium(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    period_kind = models.CharField(
        max_length=10, choices=PeriodKind.choices, default=PeriodKind.HALF_YEAR
    )
    min_members = models.PositiveSmallIntegerField(
        default=DEFAULT_MIN_MEMBERS,
        validators=[MinValueValidator(2)],
        help_text="No pooled cell is shown with fewer contributing member systems.",
    )
    epsilon_total = models.FloatField(
        default=3.0, help_text="Total privacy budget of every public release together."
    )
    epsilon_per_release = models.FloatField(default=1.0)
    report_measures = models.JSONField(default=_report_measures)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "consortia"
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(epsilon_total__gt=0, epsilon_per_release__gt=0),
                name="consortium_positive_budget",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A member health system; ``slug`` is its ``member.id`` in contribution files."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60)
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The organization, when the member's clinwell is this same instance.",
    )
    joined_on = models.DateField(auto_now_add=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar = ["name", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["consortium", "slug"], name="member_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class ConsortiumMembership(models.Model):
    class Role(models.TextChoices):
        STAFF = "staff", "Consortium staff"
        MEMBER = "member", "Member representative"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consortium_roles"
    )
    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices)
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "consortium"], name="one_consortium_role"),
            models.CheckConstraint(
                condition=models.Q(role="staff", member__isnull=True)
                | models.Q(role="member", member__isnull=False),
                name="representative_has_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.consortium} ({self.role})"

    @property
    def is_staff(self) -> bool:
        return self.role == self.Role.STAFF


class MemberToken(models.Model):
    """A member's API token for sending contributions; only its SHA-256 is stored."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_on = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.member} token {self.prefix}…"


class Contribution(models.Model):
    class Via(models.TextChoices):
        UPLOAD = "upload", "File upload"
        API = "api", "REST API"
        CLI = "cli", "Command line"
        DIRECT = "direct", "Sent from this instance"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="contributions")
    period = models.CharField(max_length=7)
    schema_version = models.PositiveSmallIntegerField()
    received_at = models.DateTimeField(auto_now_add=True)
    received_via = models.CharField(max_length=10, choices=Via.choices)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sha256 = models.CharField(max_length=64)
    min_n = models.PositiveSmallIntegerField()
    software = models.CharField(max_length=100, blank=True)
    source = models.JSONField(default=dict)

    class Meta:
        ordering: ClassVar = ["-period", "member__name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["member", "period"], name="one_contribution_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.period}"


class ContributionCell(models.Model):
    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="cells")
    measure = models.CharField(max_length=120)
    role = models.CharField(max_length=20)
    specialty = models.CharField(max_length=20)
    n = models.PositiveIntegerField()
    estimate = models.FloatField()
    sd = models.FloatField(null=True)
    lower = models.FloatField(null=True)
    upper = models.FloatField(null=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["measure", "role", "specialty"])]

    def __str__(self) -> str:
        return f"{self.measure} {self.role}"


class ContributionImpact(models.Model):
    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="impacts")
    plan_ref = models.CharField(max_length=64)
    interventions = models.JSONField()
    measure = models.CharField(max_length=120)
    estimate = models.FloatField()
    se = models.FloatField()
    n_treated_before = models.PositiveIntegerField()
    n_treated_after = models.PositiveIntegerField()
    n_comparison_before = models.PositiveIntegerField()
    n_comparison_after = models.PositiveIntegerField()
    level = models.CharField(max_length=40)
    unit_kind = models.CharField(max_length=40, blank=True)
    finished_on = models.DateField(null=True)

    def __str__(self) -> str:
        return self.plan_ref


class Release(models.Model):
    """A public report released with differential privacy (its ε is charged to the budget)."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="releases")
    number = models.PositiveIntegerField()
    period = models.CharField(max_length=7)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    epsilon = models.FloatField()
    measures = models.JSONField()
    members = models.PositiveIntegerField()
    min_members = models.PositiveSmallIntegerField()
    confidence = models.FloatField(default=0.95)

    class Meta:
        ordering: ClassVar = ["-number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["consortium", "number"], name="release_number"),
        ]

    def __str__(self) -> str:
        return f"{self.consortium} release {self.number}"


class ReleaseCell(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="cells")
    measure = models.CharField(max_length=120)
    role = models.CharField(max_length=20)
    members = models.PositiveIntegerField()
    withheld = models.BooleanField()
    estimate = models.FloatField(null=True)
    lower = models.FloatField(null=True)
    upper = models.FloatField(null=True)
    noise_sd = models.FloatField(null=True)
    respondents = models.PositiveIntegerField(null=True)
    epsilon = models.FloatField(default=0.0)
    imprecise = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["pk"]

    def __str__(self) -> str:
        return f"{self.measure} {self.role}"


class SharingChoice(models.Model):
    """What an organization agreed to share with its consortium (member side)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="consortium_sharing"
    )
    consortium_name = models.CharField(max_length=200)
    member_id = models.SlugField(max_length=60)
    period_kind = models.CharField(
        max_length=10, choices=PeriodKind.choices, default=PeriodKind.HALF_YEAR
    )
    share_survey = models.BooleanField(default=True)
    share_ehr = models.BooleanField(default=False)
    share_impact = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    def __str__(self) -> str:
        return f"{self.organization} → {self.consortium_name}"
