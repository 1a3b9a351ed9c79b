"""Hashing of audit entries: HMAC-SHA256 over a canonical JSON form of the entry's fields.

The key is ``settings.AUDIT_HMAC_KEY`` (by default derived from ``SECRET_KEY``): someone
who can write to the database but does not hold the key cannot rewrite the chain so that
it verifies again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings

GENESIS = "0" * 64

HASHED_FIELDS = (
    "chain",
    "seq",
    "organization_id",
    "organization_slug",
    "created_at",
    "actor_id",
    "actor_email",
    "ip_address",
    "action",
    "route",
    "method",
    "path",
    "object_type",
    "object_id",
    "summary",
    "detail",
    "prev_hash",
)


def audit_key() -> bytes:
    configured: str = getattr(settings, "AUDIT_HMAC_KEY", "") or ""
    if configured:
        return configured.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"clinwell.audit.v1", hashlib.sha256).digest()


def entry_hash(fields: dict[str, Any], key: bytes | None = None) -> str:
    """The hex HMAC of an entry given as a field dict (``created_at`` as ISO text)."""
    payload = {name: fields[name] for name in HASHED_FIELDS}
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(key or audit_key(), canonical.encode(), hashlib.sha256).hexdigest()
