"""Create, revoke and check personal API tokens (the state changes of the tokens page).

A token is ``cw_`` + 32 random bytes in base64url (256 bits, :func:`secrets.token_urlsafe`),
so it cannot be guessed and needs no throttling against guessing (401s are still
rate-limited per address, to bound their cost: :mod:`.throttles`); the database holds
``sha256(token)`` only, so a backup or a read replica cannot be used to call the API.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from clinwell.web.accounts.models import User
from clinwell.web.api.models import ApiToken

TOKEN_PREFIX = "cw_"  # noqa: S105 - a marker in front of every token, not a secret
SHOWN_PREFIX = 10  # "cw_" + 7 characters: enough to tell tokens apart, useless to guess


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``: the stored row and the token (to show once, then forget)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        token_hash=hash_token(token),
        prefix=token[:SHOWN_PREFIX],
    )
    return row, token


def user_tokens(user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user))


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (another user's token is a 404)."""
    with transaction.atomic():
        row = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
        if row is None:
            raise Http404("No such token")
        if row.revoked_at is None:
            row.revoked_at = timezone.now()
            row.save(update_fields=["revoked_at"])
    return row


def user_for_token(token: str) -> User | None:
    """The active user a live token belongs to, or None; records the day it was used."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    today = timezone.localdate()
    if row.last_used_on != today:  # one write per token per day
        ApiToken.objects.filter(pk=row.pk).update(last_used_on=today)
    return row.user
