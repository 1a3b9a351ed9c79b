"""Invitation tokens: derived with a keyed hash, stored only as a SHA-256 digest.

token = base64url(HMAC-SHA256(K, "invitation:" + invitation id))[:32], where K is derived
from ``SECRET_KEY``. Deriving (rather than storing) the token lets a reminder carry the
same link as the first e-mail, while the database alone — a backup, a read replica —
holds only ``sha256(token)`` and so cannot be used to answer as someone else. Responses
carry no token at all, so neither form can join a response to a person.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid

from django.conf import settings


def _key() -> bytes:
    return hashlib.sha256(b"clinwell.invitation-token:" + settings.SECRET_KEY.encode()).digest()


def invitation_token(invitation_id: uuid.UUID) -> str:
    digest = hmac.new(_key(), f"invitation:{invitation_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:32]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_public_token() -> str:
    """A random token for an anonymous link or a one-time form nonce."""
    return secrets.token_urlsafe(18)
