"""Knowledge pages: frameworks, interventions, support resources and recognition readiness.

The content comes from :mod:`clinwell.knowledge` (validated data files); views only pick
and filter it. Every page cites its sources and marks unconfirmed entries.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from clinwell.knowledge import (
    UnknownKeyError,
    burnout_levels,
    find_interventions,
    find_resources,
    intervention,
    nam_plan,
    nasem_model,
    recognition_program,
    resource_directory,
    vocabulary,
)
from clinwell.web.knowledgebase.measured import measured_effects
from clinwell.web.knowledgebase.presenters import intervention_view
from clinwell.web.knowledgebase.services import (
    RecognitionInputError,
    recognition_state,
    save_recognition_progress,
)
from clinwell.web.orgs.access import Role, require_role
from clinwell.web.orgs.decorators import org_view
from clinwell.web.orgs.models import Membership


@org_view()
def index(request: HttpRequest, membership: Membership) -> HttpResponse:
    plan = nam_plan()
    context = {
        "plan": plan,
        "nasem": nasem_model(),
        "levels": burnout_levels(),
        "intervention_count": len(find_interventions()),
        "program": recognition_program(),
        "readiness": recognition_state(membership.organization).readiness,
        "state": membership.organization.state,
    }
    return render(request, "knowledgebase/index.html", context)


@org_view()
def nam(request: HttpRequest, membership: Membership) -> HttpResponse:
    plan = nam_plan()
    goals = plan.goals
    matrix = [
        {"goal": g, "cells": [a.id in g.actor_ids for a in plan.actors]}
        for g in goals
        if g.actor_ids
    ]
    return render(request, "knowledgebase/nam.html", {"plan": plan, "matrix": matrix})


@org_view()
def nasem(request: HttpRequest, membership: Membership) -> HttpResponse:
    return render(request, "knowledgebase/nasem.html", {"model": nasem_model()})


@org_view()
def levels(request: HttpRequest, membership: Membership) -> HttpResponse:
    by_level = {lv.id: find_interventions(level=lv.id) for lv in burnout_levels().levels}
    model = nasem_model()
    rows = [
        {
            "level": lv,
            "interventions": by_level[lv.id],
            "nasem_level": model.level(lv.nasem_level).name,
        }
        for lv in burnout_levels().levels
    ]
    return render(request, "knowledgebase/levels.html", {"levels": burnout_levels(), "rows": rows})


def _choice(request: HttpRequest, name: str) -> str | None:
    value = request.GET.get(name, "").strip()
    return value or None


@org_view()
def interventions(request: HttpRequest, membership: Membership) -> HttpResponse:
    filters = {name: _choice(request, name) for name in ("level", "driver", "domain", "measure")}
    error = None
    try:
        found = find_interventions(**filters)
    except UnknownKeyError as exc:
        error, found = str(exc), ()
    vocab = vocabulary()
    measured = measured_effects(membership.organization)
    context = {
        "items": found,
        "views": [intervention_view(i, measured.get(i.id, ())) for i in found],
        "filters": filters,
        "error": error,
        "level_choices": burnout_levels().levels,
        "driver_choices": vocab.drivers + vocab.ehr_metrics,
        "domain_choices": vocab.domains,
        "measure_choices": vocab.measures,
        "plan": nam_plan(),
    }
    return render(request, "knowledgebase/interventions.html", context)


@org_view()
def intervention_detail(
    request: HttpRequest, membership: Membership, intervention_id: str
) -> HttpResponse:
    try:
        item = intervention(intervention_id)
    except UnknownKeyError as exc:
        raise Http404("No such intervention") from exc
    measured = measured_effects(membership.organization).get(item.id, ())
    context = {
        "v": intervention_view(item, measured),
        "ehr_metrics": [vocabulary().term(k) for k in item.ehr_metrics],
        "can_plan": membership.role in (Role.ADMIN, Role.LEADER),
    }
    return render(request, "knowledgebase/intervention_detail.html", context)


@org_view()
def resources(request: HttpRequest, membership: Membership) -> HttpResponse:
    directory = resource_directory()
    state = request.GET.get("state", membership.organization.state or "").strip().upper() or None
    kind = _choice(request, "kind")
    query = _choice(request, "q")
    error = None
    try:
        found = find_resources(state=state, kind=kind, query=query)
    except UnknownKeyError as exc:
        error, found = str(exc), []
    context = {
        "resources": found,
        "state": state,
        "kind": kind,
        "query": query or "",
        "error": error,
        "states": directory.states,
        "kinds": directory.kinds.items(),
        "kind_labels": directory.kinds,
    }
    return render(request, "knowledgebase/resources.html", context)


@org_view()
def recognition(request: HttpRequest, membership: Membership) -> HttpResponse:
    if request.method == "POST":
        require_role(membership, Role.ADMIN)
        try:
            save_recognition_progress(
                membership,
                request.POST.getlist("checked"),
                request.user,  # type: ignore[arg-type]
            )
        except RecognitionInputError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Recognition readiness saved.")
        return redirect("knowledgebase:recognition", org_slug=membership.organization.slug)
    program = recognition_program()
    state = recognition_state(membership.organization)
    pillars = [
        {
            "pillar": p,
            "criteria": [c for c in program.criteria if c.pillar == p.id],
            "progress": next(pp for pp in state.readiness.pillars if pp.pillar == p.id),
        }
        for p in program.pillars
    ]
    context = {
        "program": program,
        "state": state,
        "pillars": pillars,
        "can_edit": membership.role == Role.ADMIN,
    }
    return render(request, "knowledgebase/recognition.html", context)
