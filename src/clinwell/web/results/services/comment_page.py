"""The comments page: theme counts and sentiment per group, themes over waves, and — for roles
allowed to read comments — the released comments, searched, near-duplicates grouped, shuffled.

Everything comes from the wave's release (:func:`~.cache.results_for`): the masked comment
lists the gate released and the theme counts computed with them (:mod:`.comment_themes`). A
group's counts and comments appear only when its comment list was released (the group is at
or above the wave's comment threshold and cannot be isolated by subtraction). Nothing here
runs the model; a page request never loads it.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from clinwell.comments import THEME_KEYS, group_near_duplicates, matches, search, theme, themes
from clinwell.instruments import get_instrument
from clinwell.knowledge import intervention, nam_plan
from clinwell.web.orgs.access import visible_units
from clinwell.web.orgs.models import Membership
from clinwell.web.results.access import can_read_comments
from clinwell.web.results.models import PublishedCell
from clinwell.web.results.services.cache import WaveResults, results_for
from clinwell.web.results.services.scope import Scope
from clinwell.web.surveys.models import Wave

#: At most this many comment groups are listed at once (the rest: narrow with search/theme).
MAX_SHOWN = 150


def released_summary(cell: PublishedCell | None) -> dict[str, Any] | None:
    """A cell's theme counts summed over its released comment questions, or ``None`` when
    no comment list of the cell was released (suppressed, below the comment threshold, no
    comments, or themes not computed)."""
    if cell is None or cell.suppressed or not cell.comment_themes:
        return None
    parts = [s for s in cell.comment_themes.values() if s is not None]
    if not parts:
        return None
    total: dict[str, Any] = {
        "count": 0,
        "themes": dict.fromkeys(THEME_KEYS, 0),
        "negative": dict.fromkeys(THEME_KEYS, 0),
        "sentiment": {"negative": 0, "neutral": 0, "positive": 0},
    }
    for part in parts:
        total["count"] += part["count"]
        for field in ("themes", "negative", "sentiment"):
            for key, value in part[field].items():
                total[field][key] = total[field].get(key, 0) + value
    return total


def _pct(count: int, total: int) -> int | None:
    return None if total == 0 else round(100 * count / total)


def theme_links(key: str, slug: str, wave: Wave, scope: Scope, can_plan: bool) -> dict[str, Any]:
    """What a theme concerns, as links: driver items, NAM priority areas, interventions, and
    the new-action-plan page started from the theme."""
    t = theme(key)
    items = []
    for link_id in t.items:
        instrument = get_instrument(link_id.split(".", 1)[0])
        items.append(
            {"id": link_id, "text": instrument.item(link_id).text, "title": instrument.title}
        )
    plan = nam_plan()
    unit_q = f"&unit={scope.unit.pk}" if scope.unit is not None else ""
    where = f"?wave={wave.pk}{unit_q}"
    kb_nam = reverse("knowledgebase:nam", kwargs={"org_slug": slug})
    return {
        "key": key,
        "label": t.label,
        "description": t.description,
        "note": t.note,
        "items": items,
        "drivers_url": reverse("results:drivers", kwargs={"org_slug": slug}) + where,
        "areas": [
            {
                "number": n,
                "title": plan.priority_area(n).title,
                "url": f"{kb_nam}#pa{n}",
            }
            for n in t.nam_priority_areas
        ],
        "interventions": [
            {
                "id": i,
                "name": intervention(i).name,
                "url": reverse(
                    "knowledgebase:intervention", kwargs={"org_slug": slug, "intervention_id": i}
                ),
            }
            for i in t.interventions
        ],
        "plan_url": (
            reverse("actions:new", kwargs={"org_slug": slug})
            + f"?theme={key}&wave={wave.pk}{unit_q}"
            if can_plan
            else None
        ),
    }


def theme_rows(summary: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One row per theme (most frequent first) with count, share and negative count."""
    if summary is None:
        return []
    total = summary["count"]
    rows = [
        {
            "key": t.key,
            "label": t.label,
            "count": summary["themes"][t.key],
            "pct": _pct(summary["themes"][t.key], total),
            "negative": summary["negative"][t.key],
        }
        for t in themes()
    ]
    rows.sort(key=lambda r: -r["count"])
    return rows


def sentiment_row(summary: dict[str, Any] | None) -> list[dict[str, Any]]:
    if summary is None:
        return []
    total = summary["count"]
    return [
        {"key": k, "count": summary["sentiment"][k], "pct": _pct(summary["sentiment"][k], total)}
        for k in ("negative", "neutral", "positive")
    ]


def group_table(membership: Membership, res: WaveResults, scope: Scope) -> list[dict[str, Any]]:
    """The scope's child units (the one top unit's children at the organization level) with
    their theme counts when their comment list was released."""
    parent = scope.unit_id
    units = visible_units(membership)
    child_units = list(units.filter(parent_id=parent).order_by("name"))
    if scope.unit is None and len(child_units) == 1:
        parent = child_units[0].pk
        child_units = list(units.filter(parent_id=parent).order_by("name"))
    cells = {c.unit_id: c for c in res.children(parent)}
    out = []
    for unit in child_units:
        summary = released_summary(cells.get(unit.pk))
        out.append(
            {
                "unit": unit,
                "summary": summary,
                "counts": [] if summary is None else [summary["themes"][k] for k in THEME_KEYS],
                "negative_pct": (
                    None
                    if summary is None
                    else _pct(summary["sentiment"]["negative"], summary["count"])
                ),
            }
        )
    return out


def theme_trend(waves: list[Wave], wave: Wave, scope: Scope) -> dict[str, Any]:
    """Share of the scope's comments carrying each theme, wave by wave (closed waves up to the
    one shown); a wave whose comments were withheld for the scope has no values."""
    shown = [w for w in waves if w.closes_at <= wave.closes_at] or [wave]
    summaries = [released_summary(results_for(w).cell(scope.unit_id)) for w in shown]
    rows = []
    for t in themes():
        values = [
            None
            if s is None
            else {"pct": _pct(s["themes"][t.key], s["count"]), "count": s["themes"][t.key]}
            for s in summaries
        ]
        rows.append({"key": t.key, "label": t.label, "values": values})
    return {
        "waves": [
            {"wave": w, "count": None if s is None else s["count"]}
            for w, s in zip(shown, summaries, strict=True)
        ],
        "rows": rows,
        "has_data": any(s is not None for s in summaries),
    }


@dataclass(frozen=True)
class Segment:
    text: str
    match: bool


def highlight(text: str, query: str) -> list[Segment]:
    """``text`` cut into plain and matching segments (for ``<mark>``)."""
    spans = matches(text, query) if query.strip() else []
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    out, at = [], 0
    for start, end in merged:
        if start > at:
            out.append(Segment(text[at:start], False))
        out.append(Segment(text[start:end], True))
        at = end
    if at < len(text):
        out.append(Segment(text[at:], False))
    return out


def _released_comments(cell: PublishedCell | None) -> list[tuple[str, list[str], str]]:
    """(masked text, themes, sentiment) of every released comment of the cell."""
    if cell is None or cell.suppressed or not cell.comments:
        return []
    out = []
    labelled = cell.comment_themes or {}
    for question, texts in sorted(cell.comments.items()):
        if not texts:
            continue
        summary = labelled.get(question)
        labels = summary["labels"] if summary else [[[], ""] for _ in texts]
        out += [(t, list(lab[0]), lab[1]) for t, lab in zip(texts, labels, strict=True)]
    return out


def comment_groups(
    cell: PublishedCell | None, *, query: str, theme_key: str | None, seed: str
) -> dict[str, Any]:
    """Released comments matching the search and theme filter, near-duplicates grouped with
    their count, in a shuffled order that is fixed for the release (``seed``)."""
    rows = _released_comments(cell)
    if theme_key:
        rows = [r for r in rows if theme_key in r[1]]
    hits = search([r[0] for r in rows], query)
    rows = [rows[i] for i in hits]
    groups = group_near_duplicates([r[0] for r in rows])
    random.Random(seed).shuffle(groups)
    labels = {t.key: t.label for t in themes()}
    shown = [
        {
            "segments": highlight(rows[g.representative][0], query),
            "count": g.count,
            "themes": [labels[k] for k in rows[g.representative][1] if k in labels],
            "sentiment": rows[g.representative][2],
        }
        for g in groups[:MAX_SHOWN]
    ]
    return {"comments": shown, "matched": len(rows), "groups": len(groups)}


def comments_page(
    membership: Membership,
    waves: list[Wave],
    wave: Wave,
    scope: Scope,
    *,
    query: str = "",
    theme_key: str | None = None,
    can_plan: bool = False,
) -> dict[str, Any]:
    """Context of the comments page (see the module docstring)."""
    res = results_for(wave)
    cell = res.cell(scope.unit_id)
    summary = released_summary(cell)
    readable = can_read_comments(membership)
    slug = membership.organization.slug
    if theme_key not in THEME_KEYS:
        theme_key = None
    context: dict[str, Any] = {
        "min_n_comments": res.meta.policy.get("min_n_comments"),
        "summary": summary,
        "theme_rows": theme_rows(summary),
        "sentiment": sentiment_row(summary),
        "group_rows": group_table(membership, res, scope),
        "theme_headers": [{"key": t.key, "label": t.label} for t in themes()],
        "trend": theme_trend(waves, wave, scope),
        "theme_links": [theme_links(k, slug, wave, scope, can_plan) for k in THEME_KEYS],
        "can_read_comments": readable,
        "query": query if readable else "",
        "theme_filter": theme_key,
        "theme_filter_label": theme(theme_key).label if theme_key else None,
        "listing": None,
    }
    if readable:
        seed = hashlib.sha256(
            f"{wave.pk}|{scope.unit_id}|{res.meta.fingerprint}".encode()
        ).hexdigest()
        context["listing"] = comment_groups(
            cell, query=context["query"], theme_key=theme_key, seed=seed
        )
    return context


def report_themes(res: WaveResults, scope: Scope) -> dict[str, Any] | None:
    """The scope's comment theme counts for the board report, from the release (None when
    its comments were withheld by the gate or nobody commented)."""
    summary = released_summary(res.cell(scope.unit_id))
    if summary is None:
        return None
    return {
        "count": summary["count"],
        "rows": theme_rows(summary),
        "sentiment": sentiment_row(summary),
    }
