"""The disclosure-control gate: every number that leaves clinwell passes :func:`release`.

See ``docs/privacy.md`` for the algorithm and its guarantees.
"""

from __future__ import annotations

from clinwell.privacy.audit import AuditError
from clinwell.privacy.gate import ReleasedCell, ReleasedEstimate, ReleasedTable, release
from clinwell.privacy.policy import DisclosurePolicy, PrivacyError, RequestError
from clinwell.privacy.request import ALL, Dimension, Measure, MeasureKind, TableRequest

__all__ = [
    "ALL",
    "AuditError",
    "Dimension",
    "DisclosurePolicy",
    "Measure",
    "MeasureKind",
    "PrivacyError",
    "ReleasedCell",
    "ReleasedEstimate",
    "ReleasedTable",
    "RequestError",
    "TableRequest",
    "release",
]
