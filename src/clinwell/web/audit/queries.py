"""Reading and verifying the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from clinwell.web.audit.chain import GENESIS, HASHED_FIELDS, audit_key, entry_hash
from clinwell.web.audit.models import AuditEntry, AuditHead, chain_name


def entries_of(organization_id: int) -> QuerySet[AuditEntry]:
    """An organization's entries, newest first."""
    return AuditEntry.objects.filter(chain=chain_name(organization_id)).order_by("-seq")


def filter_entries(
    entries: QuerySet[AuditEntry],
    *,
    actor: str = "",
    action: str = "",
    text: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    if actor:
        entries = entries.filter(actor_email__icontains=actor)
    if action:
        entries = entries.filter(action=action)
    if text:
        entries = entries.filter(
            Q(route__icontains=text)
            | Q(path__icontains=text)
            | Q(summary__icontains=text)
            | Q(object_type__icontains=text)
        )
    if since is not None:
        entries = entries.filter(created_at__date__gte=since)
    if until is not None:
        entries = entries.filter(created_at__date__lte=until)
    return entries


@dataclass
class ChainReport:
    chain: str
    entries: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _fields(entry: AuditEntry) -> dict[str, object]:
    values = {name: getattr(entry, name) for name in HASHED_FIELDS if name != "created_at"}
    values["created_at"] = entry.created_at.astimezone(dt.UTC).isoformat()
    return values


def verify_chain(chain: str) -> ChainReport:
    """Walk one chain in order: each entry's hash, its link to the previous one, no gap,
    and the head row's last entry."""
    report = ChainReport(chain)
    key = audit_key()
    previous_hash, previous_seq = GENESIS, 0
    for entry in AuditEntry.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=2000):
        report.entries += 1
        if entry.seq != previous_seq + 1:
            report.problems.append(
                f"entries {previous_seq + 1}–{entry.seq - 1} are missing (removed)"
            )
        if entry.prev_hash != previous_hash:
            report.problems.append(f"entry {entry.seq} does not link to the entry before it")
        if entry_hash(_fields(entry), key) != entry.hash:
            report.problems.append(f"entry {entry.seq} was altered (its hash does not match)")
        previous_hash, previous_seq = entry.hash, entry.seq
    head = AuditHead.objects.filter(chain=chain).first()
    if head is None:
        if report.entries:
            report.problems.append("the chain's head row is missing")
    elif head.seq != previous_seq or head.hash != previous_hash:
        report.problems.append(
            f"the chain ends at entry {previous_seq} but its head records entry {head.seq}"
            " (entries at the end were removed)"
        )
    return report


def chains() -> list[str]:
    names = set(AuditHead.objects.values_list("chain", flat=True))
    names.update(AuditEntry.objects.values_list("chain", flat=True).distinct())
    return sorted(names)


def verify_all() -> Iterator[ChainReport]:
    for chain in chains():
        yield verify_chain(chain)
