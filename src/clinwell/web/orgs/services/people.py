"""People with access: invitations, role changes, removal — each one in the audit trail.

Invitation links carry a random token; only its SHA-256 is stored. An invitation is
single-use, expires after ``INVITATION_DAYS`` days and is bound to the invited address:
accepting it while signed in as someone else is refused. Accepting creates the account
(password checked by Django's validators) when the address has none.

An organization always keeps at least one administrator: demoting or removing the last
one is refused, under a lock of the organization's row so that two administrators
demoting each other at the same moment cannot both succeed.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clinwell.web.accounts.models import User
from clinwell.web.audit.services import record
from clinwell.web.orgs.models import AccessInvitation, Membership, Organization, Unit

Role = Membership.Role


class PeopleError(Exception):
    """A change to people or roles that is refused, with a message for the page."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _units(organization: Organization, role: str, units: list[Unit]) -> list[Unit]:
    if role != Role.LEADER:
        return []
    if not units:
        raise PeopleError("A unit leader needs at least one unit: they see its subtree.")
    if any(u.organization_id != organization.pk for u in units):
        raise PeopleError("A unit belongs to another organization.")
    return units


def _describe(membership: Membership | None) -> dict[str, Any]:
    if membership is None:
        return {}
    units = [] if membership.unit is None else [membership.unit.full_name]
    units += [u.full_name for u in membership.extra_units.order_by("full_name")]
    return {"role": membership.role, "units": units}


def _audit(
    organization: Organization, actor: User | None, summary: str, ip: str | None, **detail: Any
) -> None:
    record(
        "change",
        organization_id=organization.pk,
        organization_slug=organization.slug,
        actor=actor,
        ip_address=ip,
        object_type="membership",
        summary=summary,
        detail=detail,
    )


def _admins(organization: Organization) -> int:
    return Membership.objects.filter(organization=organization, role=Role.ADMIN).count()


@dataclass
class SentInvitation:
    invitation: AccessInvitation
    url: str


def invite(
    organization: Organization,
    *,
    by: User,
    email: str,
    role: str,
    units: list[Unit] | None = None,
    ip: str | None = None,
) -> SentInvitation:
    """Create an invitation and e-mail its link; the link is returned once, never stored."""
    email = email.strip().lower()
    if role not in Role.values:
        raise PeopleError(f"Unknown role {role!r}.")
    chosen = _units(organization, role, list(units or []))
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise PeopleError(f"{email} already has access; change their role instead.")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # A newer invitation replaces any pending one for the same address.
        AccessInvitation.objects.filter(
            organization=organization,
            email__iexact=email,
            accepted_at__isnull=True,
            withdrawn_at__isnull=True,
        ).update(withdrawn_at=timezone.now())
        invitation = AccessInvitation.objects.create(
            organization=organization,
            email=email,
            role=role,
            unit_ids=[u.pk for u in chosen],
            token_hash=_token_hash(token),
            invited_by=by,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
        )
        _audit(
            organization,
            by,
            f"Invited {email} as {invitation.get_role_display()}",
            ip,
            email=email,
            after={"role": role, "units": [u.full_name for u in chosen]},
        )
    url = settings.SITE_URL + reverse("accept_invitation", kwargs={"token": token})
    send_mail(
        f"You are invited to {organization.name} on clinwell",
        (
            f"{by.get_full_name()} invited you to {organization.name} on clinwell as "
            f"{invitation.get_role_display().lower()}.\n\n"
            f"Accept within {settings.INVITATION_DAYS} days: {url}\n\n"
            "The link works once, and only for this e-mail address."
        ),
        None,
        [email],
    )
    return SentInvitation(invitation, url)


def find_invitation(token: str) -> AccessInvitation | None:
    """The pending, unexpired invitation of a link, or None."""
    invitation = (
        AccessInvitation.objects.select_related("organization")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if invitation is None or not invitation.pending or invitation.expires_at <= timezone.now():
        return None
    return invitation


def invited_account(invitation: AccessInvitation) -> User | None:
    return User.objects.filter(email__iexact=invitation.email).first()


def accept_invitation(
    token: str,
    *,
    user: User | None = None,
    full_name: str = "",
    password: str = "",
    ip: str | None = None,
) -> Membership:
    """Use an invitation: as the signed-in ``user``, or by creating the invited account.

    Raises :class:`PeopleError` for a used, withdrawn, expired or unknown link or another
    person's, and :class:`django.core.exceptions.ValidationError` for a weak password.
    """
    with transaction.atomic():
        invitation = find_invitation(token)
        if invitation is None:
            raise PeopleError("This invitation link has expired, was withdrawn or was used.")
        invitation = AccessInvitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.pending:
            raise PeopleError("This invitation link has expired, was withdrawn or was used.")
        existing = invited_account(invitation)
        if user is not None and user.email.lower() != invitation.email.lower():
            raise PeopleError(
                f"This invitation is for {invitation.email}; you are signed in as {user.email}."
            )
        if user is None:
            if existing is not None:
                raise PeopleError(f"{invitation.email} already has an account: sign in first.")
            candidate = User(email=invitation.email, full_name=full_name.strip())
            validate_password(password, candidate)
            user = User.objects.create_user(invitation.email, password, full_name=full_name.strip())
        membership = _accept(invitation, user, ip)
    return membership


def accept_open_invitation(
    invitation: AccessInvitation, *, user: User, ip: str | None = None
) -> Membership:
    """Accept a pending invitation for ``user`` (whose address a trusted provider verified)."""
    with transaction.atomic():
        invitation = AccessInvitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.pending or invitation.expires_at <= timezone.now():
            raise PeopleError("This invitation has expired, was withdrawn or was used.")
        if user.email.lower() != invitation.email.lower():
            raise PeopleError(f"This invitation is for {invitation.email}.")
        return _accept(invitation, user, ip)


def _accept(invitation: AccessInvitation, user: User, ip: str | None) -> Membership:
    organization = invitation.organization
    units = list(Unit.objects.filter(organization=organization, pk__in=invitation.unit_ids))
    if invitation.role == Role.LEADER and not units:
        raise PeopleError("The units of this invitation no longer exist; ask for a new one.")
    membership = Membership.objects.filter(user=user, organization=organization).first()
    before = _describe(membership)
    membership, _ = Membership.objects.update_or_create(
        user=user,
        organization=organization,
        defaults={"role": invitation.role, "unit": units[0] if units else None},
    )
    membership.extra_units.set(units[1:])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    _audit(
        organization,
        user,
        f"{user.email} accepted the invitation as {membership.get_role_display()}",
        ip,
        email=user.email,
        before=before,
        after=_describe(membership),
    )
    return membership


def change_role(
    membership: Membership,
    *,
    by: User,
    role: str,
    units: list[Unit] | None = None,
    ip: str | None = None,
) -> Membership:
    organization = membership.organization
    if role not in Role.values:
        raise PeopleError(f"Unknown role {role!r}.")
    chosen = _units(organization, role, list(units or []))
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=organization.pk)
        current = Membership.objects.select_related("unit", "user").get(pk=membership.pk)
        if current.role == Role.ADMIN and role != Role.ADMIN and _admins(organization) <= 1:
            raise PeopleError("The organization's last administrator cannot be demoted.")
        before = _describe(current)
        current.role = role
        current.unit = chosen[0] if chosen else None
        current.save(update_fields=["role", "unit"])
        current.extra_units.set(chosen[1:])
        _audit(
            organization,
            by,
            f"Changed {current.user.email} to {current.get_role_display()}",
            ip,
            email=current.user.email,
            before=before,
            after=_describe(current),
        )
    return current


def remove_access(membership: Membership, *, by: User, ip: str | None = None) -> None:
    organization = membership.organization
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=organization.pk)
        current = Membership.objects.select_related("unit", "user").get(pk=membership.pk)
        if current.role == Role.ADMIN and _admins(organization) <= 1:
            raise PeopleError("The organization's last administrator cannot be removed.")
        before = _describe(current)
        email = current.user.email
        current.delete()
        _audit(organization, by, f"Removed {email}'s access", ip, email=email, before=before)


def withdraw_invitation(invitation: AccessInvitation, *, by: User, ip: str | None = None) -> None:
    with transaction.atomic():
        current = AccessInvitation.objects.select_for_update().get(pk=invitation.pk)
        if not current.pending:
            raise PeopleError("This invitation was already used or withdrawn.")
        current.withdrawn_at = timezone.now()
        current.save(update_fields=["withdrawn_at"])
        _audit(
            current.organization,
            by,
            f"Withdrew the invitation of {current.email}",
            ip,
            email=current.email,
        )


def validation_messages(error: ValidationError) -> list[str]:
    return list(error.messages)
