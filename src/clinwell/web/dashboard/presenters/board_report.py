"""The PDF board report: a one-page summary in sentences, then charts, units, drivers, plans
and cost, all from :func:`board_summary` (the overview page's numbers).

US Letter by default (``?paper=a4`` for A4). The report is a list of sections, each its own
template ``dashboard/report/_<name>.html`` rendered from the same context, so a section can
be added (for example comment themes) without touching the others: append its name to
:data:`SECTIONS`. One font (DejaVu Sans, shipped with the Debian image) for text and charts.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from clinwell.web.dashboard.presenters.board import board_summary
from clinwell.web.dashboard.presenters.plan_progress import plan_progress
from clinwell.web.dashboard.presenters.sentences import summary_sentences
from clinwell.web.orgs.models import Membership
from clinwell.web.results import charts
from clinwell.web.results.services import pages
from clinwell.web.results.services.cache import results_for
from clinwell.web.results.services.catalog import KPI_LABELS, MeasureInfo, kpi_measures
from clinwell.web.results.services.comment_page import report_themes
from clinwell.web.results.services.scope import Scope
from clinwell.web.surveys.models import Wave

FONT = "DejaVu Sans"
PAPERS = {"letter": "Letter", "a4": "A4"}
DEFAULT_PAPER = "letter"
# In order; each is dashboard/report/_<name>.html. Page breaks: the summary is page 1.
SECTIONS = ["summary", "charts", "units", "drivers", "themes", "plans", "cost"]
CHART_WIDTH = 300  # px: two charts side by side on the page
CHART_HEIGHT = 130
DRIVERS_IN_CHART = 10


def paper_size(params: Mapping[str, str]) -> str:
    """``Letter`` (default) or ``A4``; anything else is the default."""
    return PAPERS.get((params.get("paper") or "").lower(), PAPERS[DEFAULT_PAPER])


def chart_png(spec: dict[str, Any], width: int = CHART_WIDTH) -> str:
    """The chart as a PNG data URL in the report's font (vl-convert, no browser)."""
    import vl_convert

    fixed = {**spec, "width": width}
    fixed.pop("usermeta", None)
    fixed["config"] = {**fixed.get("config", {}), "font": FONT}
    data = vl_convert.vegalite_to_png(fixed, scale=2)
    return "data:image/png;base64," + base64.b64encode(data).decode()


HOURS_SCALE = (30.0, 80.0)  # the heatmap's readable scale for weekly hours (present.badness)


def mean_domain(m: MeasureInfo, values: list[dict[str, Any]]) -> tuple[float, float] | None:
    """A mean's common scale: its instrument's range; weekly hours on 30-80 (widened to
    hold every interval)."""
    if m.is_proportion:
        return None
    if m.kpi == "weekly_hours":
        low = min([HOURS_SCALE[0], *(float(v["lower"]) for v in values if v["lower"] is not None)])
        high = max([HOURS_SCALE[1], *(float(v["upper"]) for v in values if v["upper"] is not None)])
        return (low, high)
    if m.low is None or m.high is None:
        return None
    return (m.low, m.high)


def _trend_charts(waves: list[Wave], wave: Wave, scope: Scope) -> list[dict[str, Any]]:
    """Each headline measure by wave (no national line: see presenters.national)."""
    series = pages.scope_series(waves, wave, scope)
    out = []
    for key, m in kpi_measures(results_for(wave).measures).items():
        points = pages.trend_points(series, lambda r, k=key: kpi_measures(r.measures).get(k))
        values = [
            {k: p[k] for k in ("wave", "estimate", "lower", "upper")}
            for p in points
            if p["estimate"] is not None
        ]
        if len(values) < 2:
            continue
        label = KPI_LABELS[key]
        spec = charts.trend_spec(
            label, values, m.is_proportion, domain=mean_domain(m, values), wrap_labels=True
        )
        spec["height"] = CHART_HEIGHT
        out.append({"src": chart_png(spec), "alt": f"{label} by wave"})
    return out


def report_context(
    membership: Membership, waves: list[Wave], wave: Wave, scope: Scope, params: Mapping[str, str]
) -> dict[str, Any]:
    board = board_summary(membership, wave, scope)
    plans = plan_progress(membership, limit=8)
    context: dict[str, Any] = {
        "board": board,
        "plans": plans,
        "sentences": summary_sentences(board, plans),
        "paper": paper_size(params),
        "font": FONT,
        "sections": SECTIONS,
        "organization": membership.organization,
        "wave": wave,
        "scope": scope,
        "meta": results_for(wave).meta,
        "charts": [],
        "drivers_chart": None,
        "measures": [],
        "rows": [],
        # comment themes have their own threshold (comments), independent of the scores'
        "comment_themes": report_themes(results_for(wave), scope),
    }
    if board["state"] != "published":
        return context
    res = results_for(wave)
    context["measures"], context["rows"] = pages.heat_rows(membership, wave, res, scope)
    context["charts"] = _trend_charts(waves, wave, scope)
    drivers = board["drivers_all"]["drivers"][:DRIVERS_IN_CHART]
    if drivers:
        spec = charts.drivers_spec("Share of the explained variance in burnout", drivers)
        context["drivers_chart"] = {
            "src": chart_png(spec, width=520),
            "alt": "Key drivers of burnout, largest first",
        }
    return context


def render_pdf(html: str, base_url: str) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, base_url=base_url).write_pdf()
    return pdf
