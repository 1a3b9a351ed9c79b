"""Vendor usage extracts (Epic Signal / Provider Efficiency Profile, Oracle Health) as metrics.

Many organizations do not extract raw audit logs but already receive their vendor's usage
reports: per clinician and month, minutes in the system, in the In Basket, in notes, outside
scheduled time, appointments, scheduled hours. This module turns such an extract into the same
metrics table as the audit-log engine (:data:`~clinwell.ehr.params.OUTPUT_COLUMNS`), with the
same per-8-hour arithmetic (:func:`clinwell.ehr.assemble.assemble`), so the pages and exports
work alike — but the numbers are *vendor active time*, not gap-based, and the methods block
says so: never compare them with gap-based results or benchmarks.

Formats (column names match case-insensitively):

- **long**: ``clinician_id``, ``period_start`` (any date in the month), ``metric``, ``value``;
- **wide** (as in the published research export of Epic's Provider Efficiency Profile,
  lescanico/inbasketosis ``archive/docs/DATA_DICTIONARY.md``): a clinician column
  (``clinician_id``, ``user_id``, ``de_id`` or ``provider``), a ``metric`` column, and one column
  per month whose header reads as a month (``24-Jul``, ``2024-07``, ``Jul 2024``).

A **metric map** says what each vendor metric is: ``metric, quantity, factor, per`` — the
clinwell quantity (an hours column, ``inbox_messages``, ``signed_orders``, ``team_orders``, or a
helper count ``appointments``, ``scheduled_days``), a factor to hours or counts (minutes:
1/60), and optionally another quantity to multiply by (a metric reported *per appointment*).
Epic does not publish its Signal metric definitions; the shipped Epic map
(``data/epic_signal_metric_map.csv``) uses the metric names of the published export above and
is unconfirmed. Oracle Health (Cerner) usage data are described in published work (Lights On
Network time in 13 clinical functions: Overhage and McCallie, Ann Intern Med 2020;172(3):169–174)
but their export's metric names are not public: pass your own map (``vendor="oracle_health"``
requires one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clinwell.ehr.assemble import EVENT_SUMS, assemble
from clinwell.ehr.params import HOURS_COLUMNS, MetricParams
from clinwell.ehr.problems import EhrInputError, EhrValidationError, Problem

US_PER_HOUR = 3_600_000_000
VENDORS: dict[str, str] = {
    "epic_signal": "Epic Signal / Provider Efficiency Profile extract (vendor active time)",
    "oracle_health": "Oracle Health (Cerner) usage extract (vendor active time)",
}
DEFAULT_MAPS = {"epic_signal": "epic_signal_metric_map.csv"}
HELPERS = ("appointments", "scheduled_days")
QUANTITIES = (*HOURS_COLUMNS, "inbox_messages", "signed_orders", "team_orders", *HELPERS)
CLINICIAN_COLUMNS = ("clinician_id", "user_id", "de_id", "provider", "provider_id")
_MONTH_FORMATS = ("%y-%b", "%Y-%m", "%b %Y", "%b-%y", "%B %Y", "%Y-%m-%d")


@dataclass(frozen=True)
class VendorResult:
    """The metrics table, the problems found, and run facts (with the vendor named)."""

    metrics: pd.DataFrame
    problems: tuple[Problem, ...]
    run: dict[str, Any]

    def methods(self) -> dict[str, str]:
        """The methods block, naming the vendor measure (:mod:`clinwell.ehr.methods`)."""
        from clinwell.ehr.methods import methods_block

        problems = [p.to_dict() for p in self.problems]
        return methods_block(vendor_parameters(), self.run, problems)


def default_metric_map(vendor: str) -> pd.DataFrame:
    """The shipped metric map of ``vendor`` (Epic Signal only; Oracle Health has none public)."""
    name = DEFAULT_MAPS.get(vendor)
    if name is None:
        raise EhrInputError(
            f"metric_map: no public metric names for {vendor}: give a metric map "
            "(metric, quantity, factor, per)"
        )
    ref = resources.files("clinwell.ehr").joinpath("data", name)
    with ref.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False, comment="#")


def _read(source: str | Path | pd.DataFrame, kind: str) -> tuple[pd.DataFrame, str]:
    if isinstance(source, pd.DataFrame):
        return source.copy(), kind
    path = Path(source)
    if not path.exists():
        raise EhrInputError(f"{kind}: file not found: {path}")
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#")
    except (OSError, ValueError) as exc:
        raise EhrInputError(f"{kind}: cannot read {path}: {exc}") from exc
    return frame, str(path)


def _month(text: str) -> pd.Timestamp | None:
    for fmt in _MONTH_FORMATS:
        try:
            when = pd.to_datetime(text.strip(), format=fmt)
        except (ValueError, TypeError):
            continue
        return pd.Timestamp(when.year, when.month, 1)
    return None


def _long(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """``clinician_id, month, metric, value, row`` from a long or a wide extract."""
    lower = {str(c).strip().lower(): c for c in frame.columns}
    who = next((lower[c] for c in CLINICIAN_COLUMNS if c in lower), None)
    if who is None or "metric" not in lower:
        raise EhrValidationError(
            Problem(
                "missing_columns",
                label,
                "clinician_id (or user_id, de_id, provider), metric",
                1,
                ({"columns found": ", ".join(map(str, frame.columns))},),
                excluded=False,
            )
        )
    frame = frame.assign(_row=np.arange(len(frame)) + 2)  # 1 = the header line
    if "value" in lower and "period_start" in lower:
        out = pd.DataFrame(
            {
                "clinician_id": frame[who].astype(str).str.strip(),
                "month": frame[lower["period_start"]].astype(str).map(_month),
                "period_text": frame[lower["period_start"]].astype(str),
                "metric": frame[lower["metric"]].astype(str).str.strip(),
                "value": frame[lower["value"]].astype(str),
                "row": frame["_row"],
            }
        )
        return out
    months = {c: _month(str(c)) for c in frame.columns if c not in (who, lower["metric"], "_row")}
    month_cols = [c for c, m in months.items() if m is not None]
    if not month_cols:
        raise EhrInputError(
            f"{label}: no 'period_start'/'value' columns and no month columns "
            f"(headers like 24-Jul or 2024-07); found: {', '.join(map(str, frame.columns))}"
        )
    melted = frame.melt(
        id_vars=[who, lower["metric"], "_row"],
        value_vars=month_cols,
        var_name="col",
        value_name="value",
    )
    return pd.DataFrame(
        {
            "clinician_id": melted[who].astype(str).str.strip(),
            "month": melted["col"].map(months),
            "period_text": melted["col"].astype(str),
            "metric": melted[lower["metric"]].astype(str).str.strip(),
            "value": melted["value"].astype(str),
            "row": melted["_row"],
        }
    )


def compute_vendor_metrics(
    extract: str | Path | pd.DataFrame,
    vendor: str = "epic_signal",
    metric_map: str | Path | pd.DataFrame | None = None,
    *,
    strict: bool = False,
) -> VendorResult:
    """Monthly metrics per clinician from a vendor usage extract (see the module docstring).

    Values that are not numbers, empty clinician ids and unreadable months are reported with
    the file, row and column and left out (``strict=True`` stops at the first one). Metrics
    the map does not name are counted (``unmapped_action``, informational).
    """
    if vendor not in VENDORS:
        raise EhrInputError(f"vendor: expected one of {', '.join(VENDORS)}, got {vendor!r}")
    raw, label = _read(extract, "extract")
    if metric_map is not None:
        mapping, map_label = _read(metric_map, "metric_map")
    else:
        mapping, map_label = default_metric_map(vendor), f"default {vendor} metric map"
    mapping.columns = [str(c).strip().lower() for c in mapping.columns]
    for col in ("metric", "quantity"):
        if col not in mapping.columns:
            raise EhrInputError(f"metric_map: {map_label}: missing column {col!r}")
    bad_q = sorted(set(mapping["quantity"]) - set(QUANTITIES))
    if bad_q:
        raise EhrInputError(
            f"metric_map: {map_label}: quantity {bad_q[0]!r} is not one of {', '.join(QUANTITIES)}"
        )
    long = _long(raw, label)
    problems: list[Problem] = []

    def report(kind: str, column: str, mask: pd.Series, excluded: bool = True) -> None:
        n = int(mask.sum())
        if not n:
            return
        shown = long.loc[mask, ["row", "clinician_id", "period_text", "metric", "value"]].head(5)
        examples = tuple({str(k): str(v) for k, v in r.items()} for r in shown.to_dict("records"))
        problem = Problem(kind, label, column, n, examples, excluded)
        if strict and problem.severity == "error":
            raise EhrValidationError(problem)
        problems.append(problem)

    number = pd.to_numeric(long["value"].str.replace(",", "", regex=False), errors="coerce")
    blank_value = long["value"].str.strip().isin(["", "nan", "None"])
    report("missing_value", "clinician_id", long["clinician_id"].isin(["", "nan", "None"]))
    report("unparseable_timestamp", "period_start", long["month"].isna())
    report("invalid_number", "value", number.isna() & ~blank_value)
    known = dict(zip(mapping["metric"].str.strip(), range(len(mapping)), strict=False))
    report("unmapped_action", "metric", ~long["metric"].isin(known), excluded=False)
    ok = (
        ~long["clinician_id"].isin(["", "nan", "None"])
        & long["month"].notna()
        & number.notna()
        & long["metric"].isin(known)
    )
    kept = long[ok].assign(value=number[ok])
    kept = kept.merge(mapping, on="metric", how="left")
    factor = pd.to_numeric(kept.get("factor", pd.Series(1, index=kept.index)), errors="coerce")
    kept["amount"] = kept["value"] * factor.fillna(1.0)
    wide = kept.pivot_table(
        index=["clinician_id", "month"], columns="quantity", values="amount", aggfunc="sum"
    )
    per = kept.dropna(subset=["per"])[["quantity", "per"]] if "per" in kept else pd.DataFrame()
    for quantity, multiplier in per.drop_duplicates().itertuples(index=False):
        if multiplier:
            other = wide.get(multiplier, np.nan)
            wide[quantity] = wide[quantity] * other
    table = _assemble(wide.reset_index())
    run = {
        "source_kind": VENDORS[vendor],
        "vendor": vendor,
        "inputs": {"events": label, "actions": map_label},
        "rows_in": len(raw),
        "rows_out": len(table),
        "first_period": str(table["period_start"].min()) if len(table) else None,
        "last_period": str(table["period_start"].max()) if len(table) else None,
    }
    return VendorResult(table, tuple(problems), run)


def _assemble(wide: pd.DataFrame) -> pd.DataFrame:
    """Through the engine's own period assembly: hours as whole µs on the month's first day."""
    day = (wide["month"].to_numpy("datetime64[D]").astype("int64")).astype("int64")

    def micro(col: str) -> np.ndarray:
        hours = wide[col].to_numpy(dtype=float) if col in wide else np.zeros(len(wide))
        return np.rint(np.nan_to_num(hours) * US_PER_HOUR).astype("int64")

    events = pd.DataFrame({"clinician_id": wide["clinician_id"], "day": day})
    for name in EVENT_SUMS:
        events[name] = micro(name.replace("_us", "_hours")) if name != "n_events" else 0
    scheduled = pd.DataFrame(
        {
            "clinician_id": wide["clinician_id"],
            "day": day,
            "scheduled_us": micro("scheduled_hours"),
        }
    )
    orders = None
    if "signed_orders" in wide:
        orders = pd.DataFrame(
            {
                "clinician_id": wide["clinician_id"],
                "day": day,
                "n_orders": wide["signed_orders"].fillna(0).round().astype("int64"),
                "n_team": wide.get("team_orders", pd.Series(0, index=wide.index))
                .fillna(0)
                .round()
                .astype("int64"),
            }
        )
    messages = None
    if "inbox_messages" in wide:
        messages = pd.DataFrame(
            {
                "clinician_id": wide["clinician_id"],
                "day": day,
                "message_type": "",
                "n_messages": wide["inbox_messages"].fillna(0).round().astype("int64"),
            }
        )
    table, _ = assemble(scheduled, events, orders, messages, "month")
    return table


def vendor_parameters() -> Mapping[str, Any]:
    """Parameters stored with a vendor result: the period is the month; the rest is the
    vendor's (unknown), recorded as such in the methods block."""
    return {**MetricParams(period="month").to_dict(), "idle_timeout": None, "gap_rule": None}
