"""The audit trail: an append-only, hash-chained record of who looked at or changed what.

The app sits below every other web app (it imports none of them), so entries name the
organization and the person by id plus a copy of the slug and e-mail address, not by
foreign key: an entry keeps saying who did what after that person's account is gone.

Each organization has its own chain, and the site (sign-ins, superuser actions, deleted
organizations) one more. Entry *n* of a chain stores the HMAC of its own fields and of
entry *n − 1*'s hash; :class:`AuditHead` holds the last sequence number and hash of each
chain, so a changed, removed or truncated entry is found by ``manage verify_audit_trail``.
A database trigger (migration 0002) refuses every UPDATE of an entry.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

SITE_CHAIN = "site"


def chain_name(organization_id: int | None) -> str:
    """The chain an organization's entries belong to (``site`` for none)."""
    return SITE_CHAIN if organization_id is None else f"org-{organization_id}"


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        EXPORT = "export", "Exported"
        CHANGE = "change", "Changed"
        SIGN_IN = "sign-in", "Signed in"
        SIGN_IN_FAILED = "sign-in-failed", "Sign-in refused"
        SIGN_OUT = "sign-out", "Signed out"
        RETENTION = "retention", "Deleted by retention"

    chain = models.CharField(max_length=40)
    seq = models.PositiveBigIntegerField()
    organization_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    organization_slug = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_email = models.CharField(max_length=254, blank=True)
    ip_address = models.CharField(max_length=45, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    route = models.CharField(max_length=100, blank=True, help_text="URL name of the page")
    method = models.CharField(max_length=8, blank=True)
    path = models.CharField(max_length=500, blank=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering: ClassVar = ["chain", "seq"]
        verbose_name_plural = "audit entries"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_entry_unique_seq"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["organization_id", "-created_at"], name="audit_org_time"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action} {self.route or self.summary}"


class AuditHead(models.Model):
    """The last entry of one chain: truncating a chain's tail is detected against it."""

    chain = models.CharField(max_length=40, unique=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.chain} at #{self.seq}"
