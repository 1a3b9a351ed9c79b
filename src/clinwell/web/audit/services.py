"""Appending to the audit trail (the only writer of audit entries).

:func:`record` appends one entry to its organization's chain (or the site's) inside a
transaction that locks the chain's head row, so two concurrent requests never take the
same sequence number or fork the chain. It is called by the audit middleware (page views,
exports, form posts) and by services that know more than a URL does (role changes with
their before and after, retention deletions).

Nothing that links a respondent to a response is ever recorded: respondent pages are not
audited at all (:mod:`clinwell.web.audit.routes`), and callers pass counts and ids of
administrative objects, never answers or survey-link tokens.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from clinwell.web.audit.chain import GENESIS, entry_hash
from clinwell.web.audit.models import AuditEntry, AuditHead, chain_name


def _clean_detail(detail: dict[str, Any] | None) -> dict[str, Any]:
    """The detail as it will read back from the JSON column (so the hash verifies)."""
    cleaned: dict[str, Any] = json.loads(json.dumps(detail or {}, default=str, sort_keys=True))
    return cleaned


def _now() -> dt.datetime:
    return timezone.now().astimezone(dt.UTC)


def record(
    action: str,
    *,
    organization_id: int | None = None,
    organization_slug: str = "",
    actor: Any = None,
    ip_address: str | None = None,
    route: str = "",
    method: str = "",
    path: str = "",
    object_type: str = "",
    object_id: str | int = "",
    summary: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry; ``actor`` is a user (or None for the system)."""
    if action not in AuditEntry.Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    actor_email = getattr(actor, "email", "") if actor_id is not None else ""
    chain = chain_name(organization_id)
    fields: dict[str, Any] = {
        "chain": chain,
        "organization_id": organization_id,
        "organization_slug": organization_slug[:60],
        "actor_id": actor_id,
        "actor_email": actor_email[:254],
        "ip_address": (ip_address or "")[:45],
        "action": action,
        "route": route[:100],
        "method": method[:8],
        "path": path[:500],
        "object_type": object_type[:60],
        "object_id": str(object_id)[:60],
        "summary": summary[:300],
        "detail": _clean_detail(detail),
    }
    with transaction.atomic():
        AuditHead.objects.get_or_create(chain=chain, defaults={"seq": 0, "hash": GENESIS})
        head = AuditHead.objects.select_for_update().get(chain=chain)
        created_at = _now()
        fields.update(seq=head.seq + 1, prev_hash=head.hash, created_at=created_at.isoformat())
        digest = entry_hash(fields)
        entry = AuditEntry.objects.create(
            **{**fields, "created_at": created_at, "hash": digest},
        )
        head.seq = entry.seq
        head.hash = digest
        head.save(update_fields=["seq", "hash"])
    return entry


def forget_organization(organization_id: int) -> int:
    """Delete an organization's whole chain (when the organization itself is deleted).

    The caller records the deletion in the site chain. Entries are append-only (no
    UPDATE), but a chain as a whole goes with its organization.
    """
    chain = chain_name(organization_id)
    with transaction.atomic():
        deleted, _ = AuditEntry.objects.filter(chain=chain).delete()
        AuditHead.objects.filter(chain=chain).delete()
    return deleted
