"""Published EHR-use benchmarks, each with its measurement method and source.

Data file: ``data/ehr_benchmarks.yaml`` (the survey benchmarks live in ``benchmarks.yaml``).
The method matters more than the number: vendor measures (Epic Signal, Cerner Lights On) count
only active keyboard or mouse time with a short inactivity timeout (5 s for Signal), while
clinwell's metrics are *gap-based*; the two give different numbers for the same work, so a
vendor benchmark is context, not a target. ``confirmed=False`` marks a figure or a method
attribution that could not be checked against the source itself (``note`` says what).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from clinwell.knowledge._data import check_unique, read_data_file

FILE = "ehr_benchmarks.yaml"
GAP, VENDOR, EVENT_LOG, UNKNOWN = "gap", "vendor", "event_log", "unknown"
METHOD_LABELS = {
    GAP: "Gap-based (time between audit-log events, idle gaps dropped)",
    VENDOR: "Vendor active time (keyboard/mouse activity, seconds-long timeout)",
    EVENT_LOG: "EHR event logs, study-specific method",
    UNKNOWN: "Method not stated in our sources",
}
COMPARABLE_MEASURES = frozenset({"ehr_time8", "wow8"})


@dataclass(frozen=True, slots=True)
class EhrBenchmark:
    id: str
    source: str
    url: str
    population: str
    measure: str  # what the figure measures, in words
    value: str  # the published figure, as published
    method: str  # one of GAP, VENDOR, EVENT_LOG, UNKNOWN
    method_detail: str
    compare_to: str | None  # the clinwell measure it speaks to (ehr_time8, wow8), if any
    confirmed: bool = True
    note: str = ""

    @property
    def method_label(self) -> str:
        return METHOD_LABELS[self.method]


@cache
def ehr_benchmarks() -> tuple[EhrBenchmark, ...]:
    """The published EHR-use figures, in the file's order."""
    top = read_data_file(FILE)
    out = []
    for e in top.entries("benchmarks"):
        confirmed, note = e.confirmation()
        compare_to = e.opt_str("compare_to")
        if compare_to is not None and compare_to not in COMPARABLE_MEASURES:
            raise e.error(
                "compare_to", f"{compare_to!r} is not one of {sorted(COMPARABLE_MEASURES)}"
            )
        out.append(
            EhrBenchmark(
                id=e.str_("id"),
                source=e.str_("source"),
                url=e.str_("url"),
                population=e.str_("population"),
                measure=e.str_("measure"),
                value=e.str_("value"),
                method=e.one_of("method", METHOD_LABELS),
                method_detail=e.str_("method_detail"),
                compare_to=compare_to,
                confirmed=confirmed,
                note=note or "",
            )
        )
    check_unique([b.id for b in out], file=FILE, what="benchmark id")
    return tuple(out)
