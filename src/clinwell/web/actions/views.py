"""Action plan pages (thin: access through ``actions.access``, changes through services)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from clinwell.comments import THEME_KEYS
from clinwell.comments import theme as comment_theme
from clinwell.knowledge import burnout_levels, intervention, nam_plan
from clinwell.knowledge.suggest import LEVEL_SHARE
from clinwell.web.actions import services
from clinwell.web.actions.access import access_plan, visible_plans
from clinwell.web.actions.drivers import UnknownMeasureError, measure_info
from clinwell.web.actions.forms import MilestoneForm, PlanForm
from clinwell.web.actions.impact import plan_impact
from clinwell.web.actions.models import ActionPlan
from clinwell.web.actions.suggestions import (
    ANY_LEVEL,
    SuggestionRequest,
    level_choices,
    parse_level,
    suggestion_request,
    suggestions_for,
)
from clinwell.web.knowledgebase.measured import measured_effects, rank_by_measured
from clinwell.web.knowledgebase.presenters import intervention_view, term_label
from clinwell.web.orgs.access import access_unit, can_edit_plans, require_plan_editor
from clinwell.web.orgs.decorators import org_view
from clinwell.web.orgs.models import Membership
from clinwell.web.surveys.access import visible_waves


def _to_detail(plan: ActionPlan) -> HttpResponse:
    return redirect("actions:detail", org_slug=plan.organization.slug, plan_id=plan.pk)


@org_view()
def index(request: HttpRequest, membership: Membership) -> HttpResponse:
    plans = visible_plans(membership).select_related("unit", "owner")
    status = request.GET.get("status", "")
    if status in ActionPlan.Status.values:
        plans = plans.filter(status=status)
    unit = None
    if request.GET.get("unit", "").isdecimal():  # a unit page's "plans" link: it and below
        unit = access_unit(membership, int(request.GET["unit"]))
        plans = plans.filter(unit__tree_path__startswith=unit.tree_path)
    rows = [{"plan": p, "measure": _measure_label(p.target_measure)} for p in plans]
    return render(
        request,
        "actions/index.html",
        {
            "rows": rows,
            "status": status,
            "unit": unit,
            "statuses": ActionPlan.Status.choices,
            "can_edit": can_edit_plans(membership),
        },
    )


def _measure_label(name: str) -> str:
    try:
        return measure_info(name).label
    except UnknownMeasureError:
        return name


def _start_context(request: HttpRequest, membership: Membership) -> dict[str, Any]:
    """Read ``?source&measure&domain&unit&wave&level&intervention&theme`` into initial values
    (``theme``: a comment theme from the results' comments page; its interventions are
    preselected)."""
    get = request.GET
    initial: dict[str, Any] = {"owner": request.user.pk, "status": "proposed"}
    source = get.get("source", "other")
    initial["source"] = source if source in ActionPlan.Source.values else "other"
    measure = None
    if get.get("measure"):
        try:
            measure = measure_info(get["measure"])
            initial["target_measure"] = measure.column
        except UnknownMeasureError as exc:
            messages.error(request, str(exc))
    domain = get.get("domain") or None
    initial["source_domain"] = domain or ""
    unit = None
    if get.get("unit", "").isdigit():
        unit = access_unit(membership, int(get["unit"]))  # 404 outside a leader's subtree
    elif membership.unit is not None:
        unit = membership.unit
    if unit is not None:
        initial["unit"] = unit.pk
    wave = None
    if get.get("wave", "").isdigit():
        wave = visible_waves(membership).filter(pk=get["wave"]).first()
        if wave is not None:
            initial["source_wave"] = wave.pk
    if measure is not None:
        where = f" in {unit.name}" if unit is not None else ""
        initial["title"] = f"Improve {measure.label.lower()}{where}"
    if get.get("intervention"):
        initial["interventions"] = [get["intervention"]]
    theme = comment_theme(get["theme"]) if get.get("theme") in THEME_KEYS else None
    if theme is not None:
        where = f" in {unit.name}" if unit is not None else ""
        initial["title"] = f"Address {theme.label.lower()}{where}"
        initial["description"] = f"Started from the comment theme “{theme.label}”."
        initial["interventions"] = list(theme.interventions)
    return {
        "initial": initial,
        "measure": measure,
        "unit": unit,
        "wave": wave,
        "domain": domain,
        "domain_label": term_label(domain) if domain else None,
        "level": parse_level(get.get("level"), initial["source"]),
        "level_choices": level_choices(),
        "theme": theme,
        # the starting point, carried by the level selector's GET form
        "start_query": [
            (key, get[key])
            for key in ("source", "measure", "domain", "unit", "wave", "intervention", "theme")
            if get.get(key)
        ],
    }


@org_view()
def new(request: HttpRequest, membership: Membership) -> HttpResponse:
    require_plan_editor(membership)
    start = _start_context(request, membership)
    form = PlanForm(membership, request.POST or None, initial=start["initial"])
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(
                membership,
                form.to_input(),
                created_by=request.user,  # type: ignore[arg-type]
                status=form.cleaned_data["status"],
            )
        except services.PlanError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, f"Action plan “{plan.title}” created.")
            return _to_detail(plan)
    req = suggestion_request(
        start["initial"]["source"], start["measure"], start["domain"], start["level"]
    )
    if start["theme"] is not None and req.is_empty:  # suggest for the theme's drivers
        req = SuggestionRequest(start["theme"].drivers, None, None, start["level"])
    suggestions = suggestions_for(req)
    measured = measured_effects(membership.organization)
    rank_measured = bool(measured) and request.GET.get("rank") == "measured"
    if rank_measured:
        ids = {i: s.intervention.id for i, s in enumerate(suggestions)}
        suggestions = rank_by_measured(suggestions, ids, measured)
    suggested_ids = {s.intervention.id for s in suggestions}
    levels = burnout_levels()
    chosen = set(form["interventions"].value() or [])
    context = {
        **start,
        "level_value": start["level"] or ANY_LEVEL,
        "level_share_pct": round(100 * LEVEL_SHARE),
        "form": form,
        "request_drivers": [term_label(k) for k in req.drivers],
        "suggestion_request": req,
        "has_measured": bool(measured),
        "rank_measured": rank_measured,
        "suggestions": [
            {
                "s": s,
                "v": intervention_view(s.intervention, measured.get(s.intervention.id, ())),
                "checked": s.intervention.id in chosen,
                "level_name": levels.get(s.intervention.level).name,
            }
            for s in suggestions
        ],
        "other_interventions": [
            (value, label, value in chosen)
            for value, label in form.fields["interventions"].choices  # type: ignore[attr-defined]
            if value not in suggested_ids
        ],
    }
    return render(request, "actions/new.html", context)


@org_view()
def detail(request: HttpRequest, membership: Membership, plan_id: int) -> HttpResponse:
    plan = access_plan(membership, plan_id)
    nam = nam_plan()
    context = {
        "plan": plan,
        "measure": _measure_label(plan.target_measure),
        "milestones": list(plan.milestones.all()),
        "interventions": [intervention_view(intervention(i)) for i in plan.interventions],
        "nam_actions": [nam.action(k) for k in plan.nam_actions if k in nam.actions],
        "actors": [a for a in nam.actors if a.id in plan.actor_groups],
        "impact": plan_impact(plan),
        "can_edit": can_edit_plans(membership),
        "milestone_form": MilestoneForm(),
        "statuses": ActionPlan.Status.choices,
    }
    return render(request, "actions/detail.html", context)


@org_view()
def edit(request: HttpRequest, membership: Membership, plan_id: int) -> HttpResponse:
    plan = access_plan(membership, plan_id)
    require_plan_editor(membership)
    initial = {
        "title": plan.title,
        "description": plan.description,
        "unit": plan.unit_id,
        "owner": plan.owner_id,
        "target_measure": plan.target_measure,
        "target_value": plan.target_value,
        "due_on": plan.due_on,
        "status": plan.status,
        "interventions": plan.interventions,
        "nam_actions": plan.nam_actions,
        "actor_groups": plan.actor_groups,
        "source": plan.source,
        "source_domain": plan.source_domain,
        "source_wave": plan.source_wave_id,
    }
    form = PlanForm(membership, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(membership, plan, form.to_input())
            services.set_status(membership, plan, form.cleaned_data["status"])
        except services.PlanError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, "Action plan saved.")
            return _to_detail(plan)
    return render(request, "actions/edit.html", {"plan": plan, "form": form})


@require_POST
@org_view()
def set_status(request: HttpRequest, membership: Membership, plan_id: int) -> HttpResponse:
    plan = access_plan(membership, plan_id)
    try:
        services.set_status(membership, plan, request.POST.get("status", ""))
    except services.PlanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Status set to {plan.get_status_display().lower()}.")
    return _to_detail(plan)


@require_POST
@org_view()
def add_milestone(request: HttpRequest, membership: Membership, plan_id: int) -> HttpResponse:
    plan = access_plan(membership, plan_id)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        services.add_milestone(
            membership, plan, form.cleaned_data["title"], form.cleaned_data["due_on"]
        )
        messages.success(request, "Milestone added.")
    else:
        messages.error(request, "Give the milestone a title (and a valid date, if any).")
    return _to_detail(plan)


@require_POST
@org_view()
def milestone_done(
    request: HttpRequest, membership: Membership, plan_id: int, milestone_id: int
) -> HttpResponse:
    plan = access_plan(membership, plan_id)
    done = request.POST.get("done") == "true"
    try:
        services.set_milestone_done(membership, plan, milestone_id, done)
    except services.PlanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Milestone done." if done else "Milestone reopened.")
    return _to_detail(plan)
