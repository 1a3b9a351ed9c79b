"""The methods block that travels with every result.

Rule et al. ask that analyses of EHR-use metadata say how the metadata were recorded and how
they were aggregated into measures, so that results can be understood, compared and
replicated (Guidance for reporting analyses of metadata on electronic health record use, JAMIA
2024;31(3):784–789, https://pmc.ncbi.nlm.nih.gov/articles/PMC10873840/). We could read the
paper's abstract and introduction but not its full checklist; the items below are the ones
clinwell's users asked for — data source, active-time definition and timeout, denominators,
exclusions, periods — plus the activity mapping, the definition of work outside work and the
time zone, each written from the run's own parameters and facts. ``docs/ehr.md`` lists where
each item is answered on exports and pages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from clinwell.ehr.problems import PROBLEM_KINDS

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

METHOD_ITEMS: tuple[tuple[str, str], ...] = (
    ("data_source", "Data source"),
    ("active_time", "Active-time definition and timeout"),
    ("activity_mapping", "Activity mapping"),
    ("outside_work", "Work outside work"),
    ("denominators", "Denominators"),
    ("exclusions", "Exclusions"),
    ("periods", "Periods and time zone"),
    ("comparability", "Comparability"),
)
"""The items of the methods block, in order: key and label."""


def _days(days: Sequence[int]) -> str:
    ordered = sorted(int(d) for d in days)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{DAY_NAMES[ordered[0]]}–{DAY_NAMES[ordered[-1]]}"
    return ", ".join(DAY_NAMES[d] for d in ordered)


def outside_work_text(p: Mapping[str, Any]) -> str:
    """How a run decided that work was outside work, in words."""
    if p.get("wow_mode") == "clock":
        days = _days(p.get("clock_days") or (0, 1, 2, 3, 4))
        return (
            f"clock-based: outside {p.get('clock_start')}–{p.get('clock_end')} {days} (local time)"
        )
    buffer = int(p.get("buffer_minutes") or 0)
    widened = f", widened by {buffer} min on each side" if buffer else ""
    return (
        f"schedule-based: outside the clinician's scheduled sessions{widened}; days without a "
        "session count as outside"
    )


def methods_block(
    parameters: Mapping[str, Any], run: Mapping[str, Any], problems: Sequence[Mapping[str, Any]]
) -> dict[str, str]:
    """The methods items (:data:`METHOD_ITEMS`) of one result, as text."""
    p = parameters
    inputs = run.get("inputs") or {}
    source = run.get("source_kind") or "EHR audit-log events"
    events, sessions = run.get("events_counted"), run.get("sessions_used")
    data = f"{source} ({inputs.get('events', 'events')}"
    data += f", {events:,} events counted)" if isinstance(events, int) else ")"
    if inputs.get("schedule"):
        data += f"; schedule {inputs['schedule']}"
        data += f" ({sessions:,} sessions)" if isinstance(sessions, int) else ""
    if inputs.get("orders"):
        data += f"; signed orders {inputs['orders']}"
    if inputs.get("messages"):
        data += f"; In Basket messages {inputs['messages']}"
    vendor = run.get("vendor")
    timeout = p.get("idle_timeout")
    rule = "dropped (credited nothing)" if p.get("gap_rule") == "drop" else f"capped at {timeout} s"
    active = (
        "gap-based: each audit-log event is credited with the time to the same clinician's "
        f"next event; a gap longer than the {timeout} s idle timeout is {rule}; a "
        "clinician's last event gets nothing; events at one instant are ordered by activity"
    )
    if vendor:
        active = (
            f"vendor active time as the vendor defines it ({source}); the definition is not "
            "public — Epic Signal is reported to count keyboard and mouse activity with a "
            "5-second inactivity timeout (J Gen Intern Med 2024)"
        )
    mapping = (
        f"action map {inputs.get('actions', 'default')}: each action is assigned one of note, "
        "inbox, order, prescription, chart review, results or other; actions missing from "
        "the map count as other"
    )
    if vendor:
        mapping = (
            f"metric map {inputs.get('actions')}: each vendor metric is assigned a clinwell "
            "quantity (hours of EHR, outside-schedule, note, In Basket, order or chart-review "
            "time; scheduled hours) with its unit"
        )
    unmapped = next((q for q in problems if q.get("kind") == "unmapped_action"), None)
    if unmapped:
        count = unmapped.get("count")
        mapping += f" ({count:,} events)" if isinstance(count, int) else ""
    denominators = (
        "X8 metrics: hours per 8 hours of scheduled patient time (sum of the clinician's "
        "session lengths in the period, each session counted on the local day it starts); "
        "teamwork for orders: signed orders of the period, pooled; inbox volume: messages "
        "received per 8 scheduled hours; a period without scheduled time has no X8 value"
    )
    excluded = [q for q in problems if q.get("excluded") and q.get("count")]
    if excluded:
        parts = [
            f"{q.get('count')} {PROBLEM_KINDS.get(str(q.get('kind')), q.get('kind'))} "
            f"({q.get('source')}, column {q.get('column')})"
            for q in excluded
        ]
        exclusions = "rows left out: " + "; ".join(parts)
    else:
        exclusions = "no input rows were left out"
    exclusions += (
        "; events of clinicians without any scheduled session are left out; every other "
        "event counts, whatever its patient or workstation"
    )
    period = "ISO weeks starting Monday" if p.get("period") == "week" else "calendar months"
    first, last = run.get("first_period"), run.get("last_period")
    span = f", {first} to {last}" if first and last else ""
    periods = (
        f"{period}{span}, in the time zone {p.get('time_zone', 'UTC')} (durations between "
        "true instants; days, periods and clock windows in local time)"
    )
    comparability = (
        "gap-based measures count more time than vendor active-time measures (for example "
        "Epic Signal's 5-second inactivity timeout); compare only with figures measured the "
        "same way"
    )
    if vendor:
        comparability = (
            "vendor active time: lower than gap-based measures for the same work; compare only "
            "with vendor figures of the same product and version"
        )
    return {
        "data_source": data,
        "active_time": active,
        "activity_mapping": mapping,
        "outside_work": outside_work_text(p),
        "denominators": denominators,
        "exclusions": exclusions,
        "periods": periods,
        "comparability": comparability,
    }


def methods_text(block: Mapping[str, str]) -> str:
    """The block as plain lines ``Label: text`` (for CSV headers and the terminal)."""
    labels = dict(METHOD_ITEMS)
    return "\n".join(f"{labels.get(k, k)}: {v}" for k, v in block.items())
