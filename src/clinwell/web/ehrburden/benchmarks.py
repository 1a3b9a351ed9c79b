"""Published EHR-use benchmarks, each with its measurement method and source.

Figures and sources are those collected in ``reference/ehr_metrics.md`` §2 and §6. The method
matters more than the number: vendor measures (Epic Signal, Cerner Lights On) count only
active keyboard or mouse time with a short inactivity timeout (5 s for Signal), while
clinwell's metrics are *gap-based* (each event credited with the gap to the next one, up to an
idle timeout). The two give different numbers for the same work, so a vendor benchmark is
context, not a target (reference notes §2 caveat, §3). ``confirmed=False`` marks a figure or a
method attribution that could not be checked against the source itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

GAP, VENDOR, EVENT_LOG, UNKNOWN = "gap", "vendor", "event_log", "unknown"
METHOD_LABELS = {
    GAP: "Gap-based (time between audit-log events, idle gaps dropped)",
    VENDOR: "Vendor active time (keyboard/mouse activity, seconds-long timeout)",
    EVENT_LOG: "EHR event logs, study-specific method",
    UNKNOWN: "Method not recorded in our notes",
}


@dataclass(frozen=True)
class Benchmark:
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


BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark(
        id="melnick_2021",
        source="Melnick et al., JAMIA 2021",
        url="https://pmc.ncbi.nlm.nih.gov/articles/PMC8279798",
        population="573 physicians at 2 health systems (Epic and Cerner), August 2019",
        measure="EHR-Time8 (hours of EHR time per 8 h of scheduled patient time)",
        value="median 5.23 h",
        method=VENDOR,
        method_detail="Computed from the vendors' own usage data; only 5 of the 7 core "
        "metrics could be measured.",
        compare_to="ehr_time8",
    ),
    Benchmark(
        id="signal_2024",
        source="National Epic Signal study, J Gen Intern Med 2024",
        url="https://link.springer.com/article/10.1007/s11606-024-08930-4",
        population="200,081 physicians in 396 organizations, Nov 2021 – Apr 2022",
        measure="EHR hours per 8 h of scheduled patient time",
        value="mean 5.8 h (primary care 7.3; anesthesiology 2.5)",
        method=VENDOR,
        method_detail="Epic Signal: active time with a 5-second inactivity timeout.",
        compare_to="ehr_time8",
    ),
    Benchmark(
        id="signal_2024_texmed",
        source="Same study, Texas Medicine summary",
        url="https://ftp.texmed.org/TexasMedicineDetail.aspx?id=64788",
        population="As above",
        measure="EHR time outside work hours",
        value="1.2 h",
        method=VENDOR,
        method_detail="Epic Signal; the summary does not state the denominator.",
        compare_to="wow8",
        confirmed=False,
        note="Denominator (per day, per 8 h?) not stated in the summary we could read.",
    ),
    Benchmark(
        id="adler_milstein_2020",
        source="Adler-Milstein et al., JAMIA 2020",
        url="https://www.pubmed.ncbi.nlm.nih.gov/32016375/",
        population="122 primary care clinicians",
        measure="After-hours EHR time on clinic days, per clinical FTE per week",
        value="median 68 min",
        method=VENDOR,
        method_detail="Vendor-defined measures.",
        compare_to=None,
        note="Above the median: OR 4.78 for high emotional exhaustion.",
    ),
    Benchmark(
        id="arndt_2017",
        source="Arndt et al., Ann Fam Med 2017",
        url="https://www.annfammed.org/content/15/5/419",
        population="142 family physicians, 3 years of Epic logs",
        measure="EHR minutes per weekday per 1.0 clinical FTE",
        value="355 min (5.9 h): 269 in clinic hours + 86 after",
        method=EVENT_LOG,
        method_detail="Epic event logs validated against direct observation; clock-based "
        "after hours (08:00–18:00 Mon–Fri); not per 8 h scheduled.",
        compare_to=None,
    ),
    Benchmark(
        id="peds_jmir_2022",
        source="Pediatric primary care, JMIR Med Inform 2022",
        url="https://medinform.jmir.org/2022/5/e34787",
        population="Outpatient pediatricians, September 2019",
        measure="EHR hours per workday, in and outside scheduled clinic hours",
        value="4.4 h during scheduled hours, 0.8 h outside",
        method=UNKNOWN,
        method_detail="Computed from audit-log events; the active-time rule is not recorded in "
        "our notes.",
        compare_to=None,
        confirmed=False,
        note="Method not checked against the paper.",
    ),
    Benchmark(
        id="lou_2022",
        source="Lou et al., J Gen Intern Med 2022",
        url="https://www.pubmed.gov/35710654/",
        population="75 interns, 6 months",
        measure="Total EHR hours per month (25th → 75th percentile)",
        value="54.5 → 123 h/month",
        method=GAP,
        method_detail="Gap-to-next-event with gaps over 5 minutes dropped, as in the group's "
        "open code (sslou/publications, 2021_burnout_lmm).",
        compare_to=None,
        confirmed=False,
        note="That this paper used that code is our inference; interns' monthly totals are not "
        "normalized per 8 h scheduled.",
    ),
)


DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _days_text(days: Sequence[int]) -> str:
    days = sorted(int(d) for d in days)
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"{DAY_NAMES[days[0]]}–{DAY_NAMES[days[-1]]}"
    return ", ".join(DAY_NAMES[d] for d in days)


def wow_definition(parameters: Mapping[str, Any]) -> str:
    """How a run decided that work was outside scheduled time, in words.

    ``parameters`` are the run's ``MetricParams.to_dict()``: schedule-based WOW (outside every
    scheduled session, optionally widened by a buffer) or clock-based WOW (outside a fixed
    working window, e.g. 07:00–17:30 Mon–Fri).
    """
    if parameters.get("wow_mode") == "clock":
        start = parameters.get("clock_start", "07:00")
        end = parameters.get("clock_end", "17:30")
        days = _days_text(parameters.get("clock_days") or (0, 1, 2, 3, 4))
        return f"clock-based: outside {start}–{end} {days}"
    buffer = int(parameters.get("buffer_minutes") or 0)
    widened = f", widened by {buffer} min" if buffer else ""
    return f"schedule-based: outside the clinician's scheduled sessions{widened}"


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
