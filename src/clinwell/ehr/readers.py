"""Read audit-log inputs (Parquet, CSV, pandas or Ibis tables) into the canonical shape.

Canonical inputs (documented in ``docs/ehr.md``):

- events: ``clinician_id``, ``event_time``, ``action`` (optional ``patient_id``,
  ``workstation_id``);
- schedule: ``clinician_id``, ``start``, ``end``;
- action map: ``action`` → ``activity``;
- orders (optional): ``order_id``, ``clinician_id`` (signer), ``entered_by``, ``event_time``;
- messages (optional): ``clinician_id`` (recipient), ``received_time``, optional
  ``message_type``: In Basket messages received.

Column names match case-insensitively. Timestamp columns may be text (ISO 8601, with or
without an offset); they are parsed during validation so that bad values are reported, not
fatal. A time without an offset is a wall-clock time in the organization's zone
(:mod:`clinwell.ehr.zones`). The Epic
Clarity ``ACCESS_LOG`` adapter maps ``USER_ID``, ``ACCESS_TIME``, ``METRIC_NAME`` (or
``METRIC_ID`` where the name is empty), ``PAT_ID`` and ``WORKSTATION_ID`` onto events (column
meanings: Epic Data Handbook, ACCESS_LOG; see /reference/ehr_metrics.md §4).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeAlias, cast

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pandas as pd

from clinwell.ehr.problems import EhrInputError, EhrValidationError, Problem

Source: TypeAlias = str | Path | pd.DataFrame | ir.Table

REQUIRED: dict[str, tuple[str, ...]] = {
    "events": ("clinician_id", "event_time", "action"),
    "schedule": ("clinician_id", "start", "end"),
    "actions": ("action", "activity"),
    "orders": ("order_id", "clinician_id", "entered_by", "event_time"),
    "messages": ("clinician_id", "received_time"),
}
OPTIONAL: dict[str, tuple[str, ...]] = {"messages": ("message_type",)}
"""Columns kept when present."""
STRING_COLUMNS = {"clinician_id", "action", "activity", "order_id", "entered_by", "message_type"}
OFFSET_PATTERN = r"\d:\d\d(:\d\d(\.\d+)?)?\s*(Z|z|[+-]\d\d(:?\d\d)?)$"
"""An ISO 8601 time that ends in an offset names an instant; without one, a wall-clock time."""
CLARITY_COLUMNS = {
    "ACCESS_TIME": "event_time",
    "USER_ID": "clinician_id",
    "PAT_ID": "patient_id",
    "WORKSTATION_ID": "workstation_id",
}
DEFAULT_ACTION_MAP = "epic_action_map.csv"


@dataclass(frozen=True)
class Loaded:
    """One input as an Ibis table in canonical columns, with a label for messages."""

    table: ir.Table
    label: str


def label_of(source: Source, kind: str) -> str:
    """How messages name an input: its file path, or the kind for in-memory tables."""
    return str(source) if isinstance(source, str | Path) else kind


def open_table(con: Any, source: Source, kind: str) -> ir.Table:
    """Open ``source`` on backend ``con`` without changing its columns.

    CSV is read as text so that a bad value never stops the read; it is reported later.
    """
    if isinstance(source, ir.Table):
        return source
    if isinstance(source, pd.DataFrame):
        return ibis.memtable(source)
    path = Path(source)
    text = str(path)
    if not path.exists() and not any(ch in text for ch in "*?["):
        raise EhrInputError(f"{kind}: file not found: {text}")
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".txt", ".gz"):
            if con.name == "duckdb":
                return con.read_csv(text, all_varchar=True)
            return con.read_csv(text, header=True)
        if suffix in (".parquet", ".pq") or path.is_dir():
            return con.read_parquet(text)
    except Exception as exc:
        raise EhrInputError(f"{kind}: cannot read {text}: {exc}") from exc
    raise EhrInputError(f"{kind}: {text}: expected a .parquet or .csv file")


def canonical(table: ir.Table, kind: str, label: str) -> ir.Table:
    """Rename columns case-insensitively to the canonical names; raise on missing ones."""
    by_lower = {c.lower(): c for c in table.columns}
    required = REQUIRED[kind]
    missing = [c for c in required if c not in by_lower]
    if missing:
        problem = Problem(
            kind="missing_columns",
            source=label,
            column=", ".join(missing),
            count=len(missing),
            examples=({"columns found": ", ".join(table.columns)},),
            excluded=False,
        )
        raise EhrValidationError(problem)
    cols: dict[str, ir.Value] = {}
    present = [c for c in OPTIONAL.get(kind, ()) if c in by_lower]
    for name in (*required, *present):
        col = table[by_lower[name]]
        if name in STRING_COLUMNS and not col.type().is_string():
            col = _as_text(col)
        cols[name] = col
    return table.select(**cols)


def _as_text(col: ir.Value) -> ir.StringValue:
    if col.type().is_floating():
        return col.cast("int64").cast("string")  # 34005.0 → "34005"
    return col.cast("string")


def is_clarity(table: ir.Table) -> bool:
    """True when the columns look like an Epic Clarity ACCESS_LOG extract."""
    upper = {c.upper() for c in table.columns}
    lower = {c.lower() for c in table.columns}
    return {"ACCESS_TIME", "USER_ID"} <= upper and "clinician_id" not in lower


def from_clarity(table: ir.Table, label: str) -> ir.Table:
    """Map an Epic Clarity ACCESS_LOG extract onto canonical events.

    ``action`` is ``METRIC_NAME``, or ``METRIC_ID`` as text where the name is empty (metric
    ids are not known to be stable across Epic customers, so names are preferred).
    """
    by_upper = {c.upper(): c for c in table.columns}
    has_name, has_id = "METRIC_NAME" in by_upper, "METRIC_ID" in by_upper
    missing = [c for c in ("ACCESS_TIME", "USER_ID") if c not in by_upper]
    if missing or not (has_name or has_id):
        missing += [] if (has_name or has_id) else ["METRIC_NAME or METRIC_ID"]
        raise EhrInputError(
            f"{label}: missing Clarity ACCESS_LOG column(s) {', '.join(missing)}; "
            f"found: {', '.join(table.columns)}"
        )
    name = table[by_upper["METRIC_NAME"]].cast("string") if has_name else None
    ident = _as_text(table[by_upper["METRIC_ID"]]) if has_id else None
    if name is not None and ident is not None:
        action = ibis.coalesce(name.nullif(""), ident)
    else:
        action = name if name is not None else ident
    cols: dict[str, Any] = {
        "clinician_id": _as_text(table[by_upper["USER_ID"]]),
        "event_time": table[by_upper["ACCESS_TIME"]],
        "action": action,
    }
    return table.select(**cols)


def load(con: Any, source: Source, kind: str, events_format: str = "auto") -> Loaded:
    """Open and canonicalize one input of ``kind`` (events, schedule, actions, orders)."""
    label = label_of(source, kind)
    table = open_table(con, source, kind)
    if kind == "events":
        if events_format not in ("auto", "canonical", "clarity"):
            raise EhrInputError(
                f"events_format: expected auto, canonical or clarity, got {events_format!r}"
            )
        if events_format == "clarity" or (events_format == "auto" and is_clarity(table)):
            return Loaded(from_clarity(table, label), label)
    return Loaded(canonical(table, kind, label), label)


def default_action_map() -> pd.DataFrame:
    """The Epic-style action map shipped with clinwell (``ehr/data/epic_action_map.csv``).

    Names come from Epic ACCESS_LOG_METRIC names published with open research code
    (sslou/publications, 2021_burnout_lmm/metric_categorized.csv); the mapping onto
    clinwell's activities is ours and every row is marked ``confirmed = false``: metric names
    and ids may differ between Epic customers, so a site should review and supply its own map.
    """
    ref = resources.files("clinwell.ehr").joinpath("data", DEFAULT_ACTION_MAP)
    with ref.open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(fh, dtype=str, keep_default_na=False, comment="#")
    return frame


def load_actions(con: Any, source: Source | None) -> Loaded:
    """The site's action map, or the default Epic-style map when ``source`` is None.

    A map with a ``metric_id`` column (the shipped one has it) maps each id, as text, to the
    activity of its row as well, so a Clarity event whose ``METRIC_NAME`` was empty (its action
    is then the ``METRIC_ID``) is matched too (reference/ehr_metrics.md §3: match on name as
    well as id). See :func:`with_metric_ids` for how ids and names are kept apart.
    """
    if source is None:
        table = ibis.memtable(default_action_map())
        label = "default Epic action map"
    else:
        label = label_of(source, "actions")
        table = open_table(con, source, "actions")
    names = canonical(table, "actions", label)
    return Loaded(with_metric_ids(table, names), label)


def with_metric_ids(table: ir.Table, names: ir.Table) -> ir.Table:
    """``names`` (canonical ``action, activity``) plus one ``metric_id → activity`` row per id.

    ``table`` is the action map as read; without a ``metric_id`` column (any case) ``names`` is
    returned unchanged. Empty ids are skipped. An id whose text equals an action *name* of the
    map is skipped too: the name's own row wins, so a site map that already lists an id as an
    action (or a name that happens to be digits) never turns into a ``duplicate_action``
    problem. Two rows giving the same id different activities are a real conflict and are
    reported as ``duplicate_action`` like any other.
    """
    by_lower = {c.lower(): c for c in table.columns}
    if "metric_id" not in by_lower:
        return names
    ident = _as_text(table[by_lower["metric_id"]]).strip()
    activity = table[by_lower["activity"]]
    if not activity.type().is_string():
        activity = _as_text(activity)
    ids = table.select(action=ident, activity=activity)
    ids = ids.filter(ids.action.notnull() & (ids.action != ""))
    named = names.filter(names.action.notnull())
    ids = ids.filter(~ids.action.isin(named.action))
    return names.union(ids, distinct=False)


def parse_time(col: ir.Value, engine: str) -> tuple[ir.IntegerValue, ir.BooleanValue]:
    """``col`` as whole µs since the epoch, and whether that is already an instant.

    A timestamp with a time zone, or text ending in an offset (``Z``, ``-05:00``), is an
    instant; a naive timestamp, a date or text without an offset gives its wall-clock digits
    (the engines run in UTC, so nothing is shifted), to be placed in the organization's zone.
    Text that cannot be parsed becomes NULL and is reported by validation.
    """
    from clinwell.ehr.engines import epoch_us

    kind = col.type()
    if kind.is_timestamp():
        zoned = kind.timezone is not None
        return epoch_us(cast("ir.TimestampValue", col), engine), ibis.literal(zoned)
    if kind.is_date():
        return epoch_us(col.cast(dt.timestamp), engine), ibis.literal(False)
    text = col.cast("string").strip()
    parsed = cast("ir.TimestampValue", text.try_cast(dt.Timestamp(timezone="UTC")))
    return epoch_us(parsed, engine), text.re_search(OFFSET_PATTERN).fill_null(False)
