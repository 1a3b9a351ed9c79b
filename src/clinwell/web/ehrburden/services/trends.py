"""Trends across runs: the reader's top row (the whole organization, or their unit) of every
finished run, oldest first.

Each run's figures are the ones its own page shows, released by the privacy gate
(:func:`.report.unit_results`); a run whose top row is suppressed shows no numbers. Runs with
different parameters measure different things, so each point carries its method and the page
says when the methods differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clinwell.ehr.methods import outside_work_text
from clinwell.privacy import ReleasedEstimate
from clinwell.web.ehrburden.access import visible_runs
from clinwell.web.ehrburden.models import EhrRun
from clinwell.web.ehrburden.services.report import MEASURES, unit_results
from clinwell.web.orgs.models import Membership

TREND_RUNS = 8
TREND_MEASURES = ("ehr_time8", "wow8", "inbox_msgs8", "teamwork_orders_pct")


@dataclass(frozen=True)
class TrendPoint:
    run: EhrRun
    label: str  # the row shown (whole organization or a unit)
    n: int | None
    suppressed: bool
    values: dict[str, ReleasedEstimate | None]
    method: str

    @property
    def cells(self) -> tuple[ReleasedEstimate | None, ...]:
        return tuple(self.values.get(k) for k in TREND_MEASURES)


def _method(run: EhrRun) -> str:
    p = run.parameters
    rule = "dropped" if p.get("gap_rule") == "drop" else "capped"
    return (
        f"timeout {p.get('idle_timeout')} s, {rule}; {outside_work_text(p)}; "
        f"{p.get('period')}ly, {p.get('time_zone', 'UTC')}"
    )


def run_trend(membership: Membership, limit: int = TREND_RUNS) -> list[TrendPoint]:
    """The latest ``limit`` finished runs the member may see, oldest first."""
    runs = list(visible_runs(membership).filter(status=EhrRun.Status.DONE)[:limit])
    points = []
    for run in reversed(runs):
        report = unit_results(membership, run)
        top = report.rows[0] if report.rows else None
        points.append(
            TrendPoint(
                run=run,
                label=top.label if top else "—",
                n=top.n if top else None,
                suppressed=top.suppressed if top else True,
                values=dict(top.values) if top and not top.suppressed else {},
                method=_method(run),
            )
        )
    return points


def trend_spec(points: list[TrendPoint]) -> dict[str, Any] | None:
    """A Vega-Lite line chart of EHR-Time8 and WOW8 by run (None with fewer than 2 runs)."""
    labels = {m.key: m.label for m in MEASURES}
    values = []
    for p in points:
        end = p.run.last_period.isoformat() if p.run.last_period else str(p.run.pk)
        for key in ("ehr_time8", "wow8"):
            est = p.values.get(key)
            if est is not None and est.estimate is not None:
                values.append(
                    {
                        "run": f"Run {p.run.pk}",
                        "through": end,
                        "measure": labels[key],
                        "value": round(est.estimate, 2),
                    }
                )
    if len({v["run"] for v in values}) < 2:
        return None
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": f"Line chart of EHR-Time8 and WOW8 over {len(points)} runs.",
        "width": "container",
        "height": 220,
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {
                "field": "through",
                "type": "ordinal",
                "title": "Run (week or month it ends with)",
                "axis": {"labelAngle": 0},
            },
            "y": {"field": "value", "type": "quantitative", "title": "Hours per 8 h scheduled"},
            "color": {
                "field": "measure",
                "type": "nominal",
                "title": None,
                "scale": {"range": ["#0b5f6b", "#8a4b00"]},
            },
            "tooltip": [
                {"field": "run"},
                {"field": "measure"},
                {"field": "value", "title": "Hours per 8 h"},
            ],
        },
        "config": {"view": {"stroke": None}, "legend": {"orient": "bottom"}},
    }
