"""Published EHR-use benchmarks next to a run: how comparable each one is with the run's method.

The figures live in ``clinwell/knowledge/data/ehr_benchmarks.yaml``. The method
matters more than the number: vendor measures (Epic Signal, Cerner Lights On) count only
active keyboard or mouse time with a short inactivity timeout (5 s for Signal), while
clinwell's metrics are *gap-based* (each event credited with the gap to the next one, up to an
idle timeout). The two give different numbers for the same work, so a vendor benchmark is
context, not a target (reference notes §2 caveat, §3). ``confirmed=False`` marks a figure or a
method attribution that could not be checked against the source itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from clinwell.ehr.methods import outside_work_text
from clinwell.knowledge.ehr_benchmarks import (
    EVENT_LOG,
    GAP,
    METHOD_LABELS,
    UNKNOWN,
    VENDOR,
    ehr_benchmarks,
)
from clinwell.knowledge.ehr_benchmarks import EhrBenchmark as Benchmark

__all__ = [
    "BENCHMARKS",
    "EVENT_LOG",
    "GAP",
    "METHOD_LABELS",
    "UNKNOWN",
    "VENDOR",
    "Benchmark",
    "comparability",
    "wow_definition",
]

BENCHMARKS: tuple[Benchmark, ...] = ehr_benchmarks()
"""The figures of ``knowledge/data/ehr_benchmarks.yaml`` (one home for the data)."""


def wow_definition(parameters: Mapping[str, Any]) -> str:
    """How a run decided that work was outside scheduled time, in words (the methods block's
    text, :func:`clinwell.ehr.methods.outside_work_text`)."""
    return outside_work_text(parameters)


def comparability(benchmark: Benchmark, parameters: Mapping[str, Any]) -> str:
    """Whether a run with these parameters can be compared with ``benchmark``, in words.

    ``parameters`` are the run's ``MetricParams.to_dict()``: the idle timeout and gap rule
    decide whether a gap-based figure was measured the same way, and for a benchmark of work
    outside scheduled time (``compare_to == "wow8"``) so does the WOW definition (schedule- or
    clock-based), which is therefore named too.
    """
    idle_timeout = int(parameters.get("idle_timeout", 300))
    gap_rule = str(parameters.get("gap_rule", "drop"))
    if benchmark.method == VENDOR:
        text = "Not comparable: vendor active time counts less time than a gap-based method."
    elif benchmark.method == GAP:
        same = idle_timeout == 300 and gap_rule == "drop"
        rule = "the same 300 s timeout, gaps dropped" if same else "a different timeout or rule"
        text = f"Same method family (gap-based), {rule}; different population and normalization."
    elif benchmark.method == EVENT_LOG:
        text = "Not directly comparable: different method and normalization."
    else:
        text = "Comparability unknown: method not recorded."
    if benchmark.compare_to == "wow8":
        text += f" This run's WOW8 is {wow_definition(parameters)}."
    return text
