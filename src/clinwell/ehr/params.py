"""Parameters of an EHR-metrics run, stored with every result.

The reporting guidance for audit-log research asks that the choices which change the numbers
(idle timeout, what happens to long gaps, how "outside scheduled time" is defined, how actions
map to activities) be reported with the results (Rule et al., JAMIA 2024;31(3):784–789,
https://pmc.ncbi.nlm.nih.gov/articles/PMC10873840/). :class:`MetricParams` holds them all and
serializes to a flat JSON object that is written next to every output.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

# ParameterError is defined in problems (zones raises it too) and re-exported here.
from clinwell.ehr.problems import ParameterError as ParameterError
from clinwell.ehr.zones import check_zone

ACTIVITIES: tuple[str, ...] = (
    "note",
    "inbox",
    "order",
    "prescription",
    "chart_review",
    "results",
    "other",
)
"""The activity vocabulary an action map may use (issue 6)."""

TIME_ACTIVITIES: tuple[str, ...] = ("note", "inbox", "order", "prescription", "chart_review")
"""Activities reported as their own ``<activity>_hours`` column."""

HOURS_COLUMNS: tuple[str, ...] = (
    "scheduled_hours",
    "ehr_hours",
    "wow_hours",
    *(f"{activity}_hours" for activity in TIME_ACTIVITIES),
)
"""Hours per clinician and period: scheduled time, EHR time, WOW, then each reported activity."""

PER_8H: dict[str, str] = {
    "ehr_time8": "ehr_hours",
    "wow8": "wow_hours",
    "note_time8": "note_hours",
    "ib_time8": "inbox_hours",
    "rx_time8": "prescription_hours",
}
"""``X8 = 8 · hours / scheduled_hours``: each per-8-hour metric and the hours it divides."""

COUNT_COLUMNS: tuple[str, ...] = ("signed_orders", "team_orders", "inbox_messages")
"""Counts per clinician and period (empty when the input that gives them is absent): signed
orders, those entered by someone other than the signer, In Basket messages received."""

OUTPUT_COLUMNS: tuple[str, ...] = (
    "clinician_id",
    "period_start",
    *HOURS_COLUMNS,
    *PER_8H,
    "teamwork_orders_pct",
    *COUNT_COLUMNS,
    "inbox_msgs8",
)
"""Columns of the metrics table, in order: the one definition every other module uses."""

VALUE_COLUMNS: tuple[str, ...] = OUTPUT_COLUMNS[2:]
"""Every column but the clinician and period."""

MESSAGE_TYPE_COLUMNS: tuple[str, ...] = (
    "clinician_id",
    "period_start",
    "message_type",
    "inbox_messages",
    "inbox_msgs8",
)
"""Columns of the messages-by-type table (when the messages input has a type column)."""

Period = Literal["week", "month"]
GapRule = Literal["drop", "cap"]
WowMode = Literal["schedule", "clock"]
EventsFormat = Literal["auto", "canonical", "clarity"]
Engine = Literal["duckdb", "pyspark"]


def choices(kind: Any) -> tuple[str, ...]:
    """The allowed values of one of the ``Literal`` parameter types (for forms and the CLI)."""
    return tuple(str(v) for v in get_args(kind))


_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_hhmm(value: str, name: str) -> int:
    """Return minutes after midnight for ``"HH:MM"``; raise :class:`ParameterError` otherwise."""
    match = _HHMM.match(value)
    if not match:
        raise ParameterError(f"{name}: expected a time of day as HH:MM, got {value!r}")
    return int(match.group(1)) * 60 + int(match.group(2))


@dataclass(frozen=True)
class MetricParams:
    """Every choice that changes the numbers.

    Attributes
    ----------
    period:
        ``"week"`` (ISO weeks starting Monday) or ``"month"`` (calendar months).
    idle_timeout:
        Seconds. A gap between a clinician's consecutive events longer than this is idle time.
    gap_rule:
        ``"drop"`` credits an idle gap with nothing (as in the open code of Lou et al.,
        sslou/publications 2021_burnout_lmm/measure_access_logs.py, ``threshold=300``);
        ``"cap"`` credits it with ``idle_timeout`` seconds.
    wow_mode:
        ``"schedule"``: an event is outside work when it falls in none of the clinician's
        scheduled sessions, widened by ``buffer_minutes`` on each side (Sinsky et al., JAMIA
        2020;27(4):639–643). ``"clock"``: outside when not on ``clock_days`` between
        ``clock_start`` and ``clock_end`` (e.g. Arndt et al., Ann Fam Med 2017;15(5):419).
    buffer_minutes:
        Minutes added before and after every session (default 0, following the advice not
        to exclude time before or after scheduled patient time).
    clock_start, clock_end, clock_days:
        The clock-based working window: ``HH:MM`` local times, days 0=Monday … 6=Sunday.
    strict:
        Stop at the first input problem instead of excluding the bad rows and reporting them.
    time_zone:
        The organization's IANA time zone (``America/Chicago``). Times without an offset are
        wall-clock times there; days, periods, the clock window and the day a session counts
        in follow its calendar, while durations are measured between true instants (see
        :mod:`clinwell.ehr.zones`). Default ``UTC``.
    """

    period: Period = "week"
    idle_timeout: int = 300
    gap_rule: GapRule = "drop"
    wow_mode: WowMode = "schedule"
    buffer_minutes: int = 0
    clock_start: str = "07:00"
    clock_end: str = "17:30"
    clock_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    strict: bool = False
    time_zone: str = "UTC"
    attribution: str = field(default="forward", init=False)
    """Each event is credited with the gap to the *next* event (fixed in this version)."""

    def __post_init__(self) -> None:
        for name, kind in (("period", Period), ("gap_rule", GapRule), ("wow_mode", WowMode)):
            value, allowed = getattr(self, name), choices(kind)
            if value not in allowed:
                raise ParameterError(
                    f"{name}: expected {' or '.join(map(repr, allowed))}, got {value!r}"
                )
        if isinstance(self.idle_timeout, bool) or not isinstance(self.idle_timeout, int):
            raise ParameterError(f"idle_timeout: expected whole seconds, got {self.idle_timeout!r}")
        if self.idle_timeout <= 0:
            raise ParameterError(f"idle_timeout: must be positive, got {self.idle_timeout}")
        if not isinstance(self.buffer_minutes, int) or self.buffer_minutes < 0:
            raise ParameterError(
                f"buffer_minutes: expected whole minutes ≥ 0, got {self.buffer_minutes!r}"
            )
        start = parse_hhmm(self.clock_start, "clock_start")
        end = parse_hhmm(self.clock_end, "clock_end")
        if end <= start:
            raise ParameterError(
                f"clock_end: must be after clock_start ({self.clock_start}), got {self.clock_end}"
            )
        days = tuple(self.clock_days)
        if not days or any(d not in range(7) for d in days) or len(set(days)) != len(days):
            raise ParameterError(f"clock_days: expected distinct days 0–6, got {days!r}")
        object.__setattr__(self, "clock_days", tuple(sorted(days)))
        if not isinstance(self.time_zone, str) or not self.time_zone.strip():
            raise ParameterError(f"time_zone: expected an IANA name, got {self.time_zone!r}")
        check_zone(self.time_zone)

    def replace(self, **changes: Any) -> MetricParams:
        """A copy with ``changes`` applied (and checked)."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> MetricParams:
        """Parameters from a stored or submitted mapping; unknown keys are ignored."""
        known = {f.name for f in dataclasses.fields(cls) if f.init}
        data = {k: v for k, v in values.items() if k in known}
        if "clock_days" in data:
            data["clock_days"] = tuple(int(d) for d in data["clock_days"])
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dictionary of the parameters."""
        out = dataclasses.asdict(self)
        out["clock_days"] = list(self.clock_days)
        return out
