"""Survey waves, invitations, anonymous links and responses.

Confidentiality by construction (threat model in docs/privacy.md):

- :class:`Response` has no foreign key to :class:`Invitation` or ``Person`` and no token;
  its primary key is a random UUID, so neither id order nor a join recovers who answered.
- It stores the *day* it was submitted, never the time; invitation status dates are
  coarsened to the day in the same way.
- Free-text comments live in :class:`Comment`, which does not point at the response either,
  so a comment cannot be joined to the scores of the person who wrote it.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models

from clinwell.web.orgs.models import Organization, Person, Unit

DEFAULT_MIN_N_SCORES = 5
DEFAULT_MIN_N_COMMENTS = 10


class Wave(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="waves")
    name = models.CharField(max_length=200)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="America/Chicago")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    min_n_scores = models.PositiveSmallIntegerField(
        "minimum group size for scores", default=DEFAULT_MIN_N_SCORES
    )
    min_n_comments = models.PositiveSmallIntegerField(
        "minimum group size for comments", default=DEFAULT_MIN_N_COMMENTS
    )
    intro = models.TextField(blank=True)
    launched_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-opens_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def thresholds_locked(self) -> bool:
        """Thresholds are fixed once respondents have been told them (at launch)."""
        return self.status != self.Status.DRAFT


class WaveModule(models.Model):
    """One instrument in a wave, in order; optional items may be left out."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="modules")
    instrument_id = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0)
    excluded_items = models.JSONField(default=list, blank=True)

    class Meta:
        ordering: ClassVar = ["position", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["wave", "instrument_id"], name="module_once_per_wave"),
        ]

    def __str__(self) -> str:
        return f"{self.wave}: {self.instrument_id}"


class LicenceAcknowledgement(models.Model):
    """An administrator has read an instrument's licence terms for this organization."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    instrument_id = models.CharField(max_length=64)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL
    )
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["organization", "instrument_id"], name="acknowledge_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} licence acknowledged"


class Invitation(models.Model):
    """A personal single-use link. Only a SHA-256 hash of the token is stored.

    Unit, role and tenure band are snapshotted from the roster when the invitation is
    created, so later roster changes do not move responses between groups.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Not sent yet"
        SENT = "sent", "Sent"
        RESPONDED = "responded", "Responded"
        FAILED = "failed", "Could not be delivered"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL)
    token_hash = models.CharField(max_length=64, unique=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=40)
    tenure_band = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    sent_on = models.DateField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    responded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["wave", "person"], name="one_invitation_per_person"),
        ]

    def __str__(self) -> str:
        return "invitation"


class AnonymousLink(models.Model):
    """A link per unit for posting on a ward; anyone with it may answer once per visit."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="anonymous_links")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar = ["unit__full_name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["wave", "unit"], name="one_anonymous_link_per_unit"),
        ]

    def __str__(self) -> str:
        return f"anonymous link for {self.unit_id}"


class SubmissionReceipt(models.Model):
    """A consumed one-time form nonce of an anonymous link (makes retries idempotent).

    Holds a hash of the nonce and the wave only — nothing that points at the response.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    nonce_hash = models.CharField(max_length=64, unique=True)
    received_on = models.DateField()

    def __str__(self) -> str:
        return "submission receipt"


class Response(models.Model):
    """One respondent's answers and scores — with no path back to an invitation or person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=40)
    tenure_band = models.CharField(max_length=40, blank=True)
    submitted_on = models.DateField()
    answers = models.JSONField(default=dict)
    scores = models.JSONField(default=dict)

    class Meta:
        ordering: ClassVar = ["id"]  # random: no insertion order leaks through listings
        indexes: ClassVar = [models.Index(fields=["wave", "unit"])]

    def __str__(self) -> str:
        return "response"


class Comment(models.Model):
    """A free-text answer, stored apart from the response it came with."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="comments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    question = models.CharField(max_length=64)
    text = models.TextField()

    class Meta:
        ordering: ClassVar = ["id"]

    def __str__(self) -> str:
        return "comment"


class MailJob(models.Model):
    """Progress of a batch of invitation or reminder e-mails, shown while it runs."""

    class Kind(models.TextChoices):
        INVITE = "invite", "Invitations"
        REMIND = "remind", "Reminders"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Sending"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="mail_jobs")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for wave {self.wave_id}: {self.status}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * (self.sent + self.failed) / self.total)
