"""Results pages: overview, heatmap, drivers, trends, comments, CSV and PDF exports.

Views are thin: the scope and wave come from :mod:`.services.scope` (through the access
layer), every number from the cache of released cells (:mod:`.services.cache`).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clinwell.web.orgs.access import can_edit_plans
from clinwell.web.orgs.decorators import org_view
from clinwell.web.orgs.models import Membership
from clinwell.web.results.services import pages
from clinwell.web.results.services.cache import closed_waves
from clinwell.web.results.services.catalog import measure_groups, pick_group
from clinwell.web.results.services.comment_page import comments_page
from clinwell.web.results.services.cost import cost_context
from clinwell.web.results.services.equity import equity_data
from clinwell.web.results.services.exports import csv_response
from clinwell.web.results.services.overview import overview_data, physicians_in_scope
from clinwell.web.results.services.scope import (
    Scope,
    WaveNotClosed,
    cut_filter,
    pick_wave,
    results,
    scope_for,
)
from clinwell.web.results.services.trends import drivers_data, trends_data


def _base(request: HttpRequest, membership: Membership, page: str) -> dict[str, Any]:
    pending = None
    try:
        waves, wave = pick_wave(membership, request.GET.get("wave"))
    except WaveNotClosed as exc:  # still open (or a draft): say when results appear
        waves, wave, pending = closed_waves(membership.organization), None, exc.wave
    scope = scope_for(membership, request.GET.get("unit"), request.GET, wave)
    return {
        "pending": pending,
        "page": page,
        "waves": waves,
        "wave": wave,
        "scope": scope,
        "slug": membership.organization.slug,
        "is_admin": membership.is_admin,
        # "Act" / "Start an action plan" links lead to actions:new, which refuses members who
        # cannot edit plans (orgs.access.require_plan_editor). Every unit these pages link to
        # already passed the access layer (a leader's subtree), as actions:new requires.
        "can_plan": can_edit_plans(membership),
        "cut_filter": None if wave is None else cut_filter(membership, wave, scope),
    }


def _empty(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "results/empty.html", context)


@org_view()
def index(request: HttpRequest, membership: Membership) -> HttpResponse:
    context = _base(request, membership, "overview")
    if context["wave"] is None:
        return _empty(request, context)
    scope: Scope = context["scope"]
    data = overview_data(membership, context["waves"], context["wave"], scope)
    context.update(data)
    # The cost worksheet is about physicians: its burnout rate is the physicians' own.
    if data["physicians"] is not None:
        physician_kpis = data["physicians"]["kpis"]
    else:
        physician_kpis = data["kpis"] if scope.is_physicians else []
    burnout = next((c for c in physician_kpis if c["key"] == "burnout"), None)
    rate = None
    if burnout and burnout["est"]["raw"]:
        rate = burnout["est"]["raw"]["estimate"]
    context["cost"] = cost_context(request.GET, rate, physicians_in_scope(membership, scope))
    context["cost"]["other_group"] = bool(scope.group) and not scope.is_physicians
    return render(request, "results/overview.html", context)


@org_view()
def heatmap(request: HttpRequest, membership: Membership) -> HttpResponse:
    context = _base(request, membership, "heatmap")
    if context["wave"] is None:
        return _empty(request, context)
    res = results(context["wave"])
    group = pick_group(res.measures, request.GET.get("measures"))
    measures, rows = pages.heat_rows(
        membership, context["wave"], res, context["scope"], list(group.measures)
    )
    context.update(
        measure_groups=measure_groups(res.measures),
        measure_group=group,
        measures=measures,
        rows=rows,
        meta=res.meta,
        breadcrumbs=_breadcrumbs(membership, context["scope"]),
    )
    return render(request, "results/heatmap.html", context)


def _breadcrumbs(membership: Membership, scope: Scope) -> list[dict[str, Any]]:
    if scope.unit is None:
        return []
    crumbs: list[dict[str, Any]] = []
    if membership.is_org_wide:
        crumbs.append({"label": membership.organization.name, "unit": None})
    ids = [int(p) for p in scope.unit.tree_path.strip("/").split("/")]
    from clinwell.web.orgs.access import visible_units

    units = {u.pk: u for u in visible_units(membership).filter(pk__in=ids)}
    crumbs += [{"label": units[i].name, "unit": i} for i in ids if i in units]
    return crumbs


@org_view()
def drivers(request: HttpRequest, membership: Membership) -> HttpResponse:
    context = _base(request, membership, "drivers")
    if context["wave"] is None:
        return _empty(request, context)
    context.update(drivers_data(membership, context["wave"], context["scope"]))
    return render(request, "results/drivers.html", context)


@org_view()
def trends(request: HttpRequest, membership: Membership) -> HttpResponse:
    context = _base(request, membership, "trends")
    if context["wave"] is None:
        return _empty(request, context)
    context.update(trends_data(context["waves"], context["scope"]))
    return render(request, "results/trends.html", context)


@org_view()
def equity(request: HttpRequest, membership: Membership) -> HttpResponse:
    context = _base(request, membership, "equity")
    if context["wave"] is None:
        return _empty(request, context)
    context.update(equity_data(membership, context["wave"], context["scope"]))
    return render(request, "results/equity.html", context)


@org_view()
def comments(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Theme counts for every role; the comments themselves for roles that may read them."""
    context = _base(request, membership, "comments")
    if context["wave"] is None:
        return _empty(request, context)
    context.update(
        comments_page(
            membership,
            context["waves"],
            context["wave"],
            context["scope"],
            query=request.GET.get("q", "")[:200],
            theme_key=request.GET.get("theme") or None,
            can_plan=context["can_plan"],
        )
    )
    return render(request, "results/comments.html", context)


@org_view()
def export_csv(request: HttpRequest, membership: Membership) -> HttpResponse:
    context = _base(request, membership, "export")
    wave = context["wave"]
    if wave is None:
        return _empty(request, context)
    return csv_response(membership, wave, context["scope"], request.GET.get("groups") == "all")
