"""Member API tokens: ``cwm_`` + 32 random bytes; the database keeps only ``sha256(token)``.

A token authenticates one member system on the REST API (sending contributions, reading its
own position and the pooled evidence). As for personal tokens
(:mod:`clinwell.web.api.tokens`), it is shown once when created and cannot be recovered.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from clinwell.web.consortium.models import Member, MemberToken

TOKEN_PREFIX = "cwm_"  # noqa: S105 - a marker in front of every token, not a secret
SHOWN_PREFIX = 11


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_member_token(member: Member) -> tuple[MemberToken, str]:
    """A new token for ``member``: the stored row and the token (show once, then forget)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = MemberToken.objects.create(
        member=member, token_hash=hash_token(token), prefix=token[:SHOWN_PREFIX]
    )
    return row, token


def revoke_member_tokens(member: Member) -> int:
    """Revoke every live token of ``member``; returns how many."""
    with transaction.atomic():
        return MemberToken.objects.filter(member=member, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )


def member_for_token(token: str) -> Member | None:
    """The active member a live token belongs to, or None; records the day it was used."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = (
        MemberToken.objects.select_related("member", "member__consortium")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    if row is None or not row.member.active:
        return None
    today = timezone.localdate()
    if row.last_used_on != today:
        MemberToken.objects.filter(pk=row.pk).update(last_used_on=today)
    return row.member
