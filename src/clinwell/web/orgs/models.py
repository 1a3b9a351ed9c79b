"""Tenants (organizations), their unit tree, memberships with roles, and the roster.

Every query for tenant data starts from an :class:`Organization`; the access functions in
:mod:`clinwell.web.orgs.access` are the only way views reach these rows.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

DEFAULT_ROSTER_ROLES = [
    {"key": "physician", "label": "Physician"},
    {"key": "app", "label": "Advanced practice provider (APP)"},
    {"key": "nurse", "label": "Nurse"},
    {"key": "resident", "label": "Resident / fellow"},
    {"key": "other", "label": "Other"},
]
DEFAULT_TENURE_BANDS = [
    {"key": "lt1", "label": "Less than 1 year"},
    {"key": "1to5", "label": "1–5 years"},
    {"key": "6to10", "label": "6–10 years"},
    {"key": "11to20", "label": "11–20 years"},
    {"key": "gt20", "label": "More than 20 years"},
]


def _default_roles() -> list[dict[str, str]]:
    return [dict(r) for r in DEFAULT_ROSTER_ROLES]


def _default_tenure() -> list[dict[str, str]]:
    return [dict(t) for t in DEFAULT_TENURE_BANDS]


class Organization(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    state = models.CharField(
        "US state", max_length=2, blank=True, help_text="Two-letter code, for support resources"
    )
    roster_roles = models.JSONField(default=_default_roles)
    tenure_bands = models.JSONField(default=_default_tenure)
    allow_nonresponder_export = models.BooleanField(
        default=False,
        help_text="Let administrators export who has not yet responded, for reminders.",
    )
    require_two_factor = models.BooleanField(
        "Require sign-in codes of unit leaders and executive viewers",
        default=False,
        # A database default too: code written against an older schema (an upgrade's data
        # migration, a rolling deploy) can still insert organizations.
        db_default=False,
        help_text="Administrators and analysts always need them.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name

    def role_keys(self) -> list[str]:
        return [r["key"] for r in self.roster_roles]

    def role_label(self, key: str) -> str:
        return next((r["label"] for r in self.roster_roles if r["key"] == key), key)

    def tenure_keys(self) -> list[str]:
        return [t["key"] for t in self.tenure_bands]

    def tenure_label(self, key: str) -> str:
        return next((t["label"] for t in self.tenure_bands if t["key"] == key), key)


class Unit(models.Model):
    """A node of the organization's unit tree (system / site / department / clinic).

    ``tree_path`` is a materialized path of ids (``/3/17/42/``) so a subtree is one
    ``startswith`` query at any depth; ``full_name`` is the slash-joined path of names
    (``Main Campus/Medicine/Cardiology``) used by imports and displays.
    """

    class Kind(models.TextChoices):
        SYSTEM = "system", "System"
        SITE = "site", "Site"
        DEPARTMENT = "department", "Department"
        CLINIC = "clinic", "Clinic"
        OTHER = "other", "Unit"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="units")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    tree_path = models.CharField(max_length=1000, db_index=True, editable=False)
    full_name = models.CharField(max_length=1000, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering: ClassVar = ["full_name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organization", "full_name"], name="unit_unique_path"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def is_within(self, ancestor: Unit) -> bool:
        return self.organization_id == ancestor.organization_id and self.tree_path.startswith(
            ancestor.tree_path
        )


class Membership(models.Model):
    """A user's role in one organization; a leader is scoped to one or more unit subtrees.

    ``unit`` is the leader's main subtree (their reports open there); ``extra_units`` adds
    more subtrees they see as well (a leader of two clinics in different sites).
    """

    class Role(models.TextChoices):
        ADMIN = "admin", "Administrator"
        LEADER = "leader", "Unit leader"
        ANALYST = "analyst", "Analyst"
        EXECUTIVE = "executive", "Executive viewer"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text="Leaders see only this unit and the units below it.",
    )
    extra_units = models.ManyToManyField(
        Unit,
        blank=True,
        related_name="extra_memberships",
        help_text="More subtrees a leader sees, beside their main unit.",
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org"),
            models.CheckConstraint(
                condition=~models.Q(role="leader") | models.Q(unit__isnull=False),
                name="leader_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organization}"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    @property
    def is_org_wide(self) -> bool:
        return self.role != self.Role.LEADER


class Person(models.Model):
    """A roster entry: who can be invited, and the attributes reports are grouped by.

    The e-mail address is used only to send invitations; survey responses never point
    back to a person.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="people")
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="people")
    role = models.CharField(max_length=40)
    tenure_band = models.CharField(max_length=40, blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["email"]
        verbose_name_plural = "people"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organization", "email"], name="person_unique_email"),
        ]

    def __str__(self) -> str:
        return self.name or self.email


class AccessInvitation(models.Model):
    """An invitation to join an organization with a role, sent to one e-mail address.

    Only the SHA-256 of the link's token is stored (the link itself is only in the e-mail):
    a copy of the database does not let anyone accept an invitation. It is single-use,
    expires (``INVITATION_DAYS``), and only the invited address can accept it.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="access_invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Membership.Role.choices)
    unit_ids = models.JSONField(default=list, blank=True, help_text="A leader's subtrees")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()} at {self.organization}"

    @property
    def pending(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None


class SingleSignOn(models.Model):
    """An organization's OpenID Connect provider (docs/security.md, "Single sign-on").

    The client secret is never stored here: only the name of the environment variable or
    the path of the file that holds it. The provider is trusted only for addresses in its
    own :class:`SingleSignOnDomain` rows.
    """

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="single_sign_on"
    )
    issuer = models.URLField(help_text="The provider's issuer URL (discovery is read from it)")
    client_id = models.CharField(max_length=255)
    client_secret_env = models.CharField(
        max_length=100, blank=True, help_text="Environment variable holding the client secret"
    )
    client_secret_file = models.CharField(
        max_length=500, blank=True, help_text="File holding the client secret"
    )
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"single sign-on of {self.organization} via {self.issuer}"


class SingleSignOnDomain(models.Model):
    """An e-mail domain whose addresses sign in through one provider (one provider a domain)."""

    single_sign_on = models.ForeignKey(
        SingleSignOn, on_delete=models.CASCADE, related_name="domains"
    )
    domain = models.CharField(max_length=253, unique=True)

    class Meta:
        ordering: ClassVar = ["domain"]

    def __str__(self) -> str:
        return self.domain
