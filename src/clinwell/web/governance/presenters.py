"""The audit page's rows and its CSV export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from clinwell.spreadsheet import safe_cell
from clinwell.web.audit.models import AuditEntry
from clinwell.web.audit.queries import filter_entries

EXPORT_COLUMNS = [
    "seq",
    "created_at",
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
    "hash",
]


def filtered(entries: QuerySet[AuditEntry], cleaned: dict[str, Any]) -> QuerySet[AuditEntry]:
    return filter_entries(
        entries,
        actor=cleaned.get("actor") or "",
        action=cleaned.get("action") or "",
        text=cleaned.get("text") or "",
        since=cleaned.get("since"),
        until=cleaned.get("until"),
    )


def export_rows(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """CSV text, header first, one entry a line (streamed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    yield buffer.getvalue()
    for entry in entries:
        buffer.seek(0)
        buffer.truncate()
        row = [getattr(entry, column) for column in EXPORT_COLUMNS]
        row[1] = entry.created_at.isoformat()
        row[11] = json.dumps(entry.detail, sort_keys=True) if entry.detail else ""
        writer.writerow([safe_cell(value) for value in row])
        yield buffer.getvalue()
