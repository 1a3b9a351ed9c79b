"""Survey waves, invitations, anonymous links and responses.

Confidentiality by construction (threat model in docs/privacy.md, "Confidentiality at rest"):

- :class:`Response` is a random UUID, its wave and a sealed blob: unit, role, tenure band,
  answers, scores and comment are encrypted with a key the database does not hold
  (:mod:`clinwell.web.surveys.services.sealing`). No row shows anything to join.
- Invitations record who has responded (reminders need it) only while the wave is open;
  closing the wave deletes them, keeping only how many people of each roster class were
  invited (:class:`InvitationCount`), and re-seals every response under a fresh id in a
  random order, so nothing of the order or timing of submissions survives the close.
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
    # Keys of clinwell.instruments.attributes.ATTRIBUTES the respondent form asks (optional
    # to the respondent); fixed at launch with the questions.
    attributes = models.JSONField(default=list, blank=True)
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

    Holds a hash of the nonce, the wave and the link (for live counts per unit) — nothing
    that points at the response. Deleted when the wave closes.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    # NULL only for receipts written before links were recorded (upgrade from 0001).
    link = models.ForeignKey(
        AnonymousLink, null=True, on_delete=models.CASCADE, related_name="receipts"
    )
    nonce_hash = models.CharField(max_length=64, unique=True)
    received_on = models.DateField()

    def __str__(self) -> str:
        return "submission receipt"


class Response(models.Model):
    """One respondent's answers, sealed: readable only by the results computation.

    Everything about the response (unit, role, tenure band, answers, scores, comment) is in
    ``sealed`` (:mod:`~clinwell.web.surveys.services.sealing`); the row itself holds only a
    random id and the wave. Write and read it through that module, never field by field.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    sealed = models.BinaryField()

    class Meta:
        ordering: ClassVar = ["id"]  # random: no insertion order leaks through listings

    def __str__(self) -> str:
        return "response"


class InvitationCount(models.Model):
    """How many people of one roster class (unit, role, tenure band) a wave invited.

    Written when the wave closes, just before its invitations (who was invited, who
    responded) are deleted; response rates after close divide released counts by these.
    The roster holds the same classes, so these counts reveal nothing about responses.
    """

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitation_counts")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=40)
    tenure_band = models.CharField(max_length=40, blank=True)
    invited = models.PositiveIntegerField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["wave", "unit", "role", "tenure_band"], name="one_count_per_class"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invited} invited"


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


class WaveEmail(models.Model):
    """The wave's own invitation and reminder wording (blank: clinwell's default wording).

    Only the opening text is editable; the link, how answers are protected, the closing time
    and where to find support are always appended (surveys/email/invitation.txt).
    """

    wave = models.OneToOneField(Wave, on_delete=models.CASCADE, related_name="email")
    invite_subject = models.CharField(max_length=200, blank=True)
    invite_body = models.TextField(blank=True)
    remind_subject = models.CharField(max_length=200, blank=True)
    remind_body = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"e-mail wording of wave {self.wave_id}"


class ScheduledReminder(models.Model):
    """A reminder to non-responders, sent by the scheduled worker on ``send_on`` (wave time)."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="scheduled_reminders")
    send_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    sent = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["send_on"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["wave", "send_on"], name="one_reminder_per_day"),
        ]

    def __str__(self) -> str:
        return f"reminder on {self.send_on}"
