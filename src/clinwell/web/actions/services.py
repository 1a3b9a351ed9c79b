"""State changes of action plans: create, edit, change status, milestones.

Every function takes the acting :class:`Membership` and checks the role and the unit scope
itself (leaders only inside their subtree), so no caller can skip the rules. Bad input
raises :class:`PlanError` naming the field; nothing is written then.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from clinwell.knowledge import UnknownKeyError, intervention, nam_plan, vocabulary
from clinwell.web.accounts.models import User
from clinwell.web.actions.drivers import UnknownMeasureError, measure_info
from clinwell.web.actions.models import ActionPlan, Milestone
from clinwell.web.orgs.access import access_unit, require_plan_editor
from clinwell.web.orgs.models import Membership
from clinwell.web.surveys.models import Wave


class PlanError(ValueError):
    """A plan change was refused; ``field`` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class PlanInput:
    """Everything a plan form submits. ``nam_actions=None`` takes the interventions' actions."""

    title: str
    unit_id: int
    owner_id: int | None
    target_measure: str
    target_value: float | None = None
    due_on: date | None = None
    description: str = ""
    interventions: tuple[str, ...] = ()
    nam_actions: tuple[str, ...] | None = None
    actor_groups: tuple[str, ...] = ()
    source: str = ActionPlan.Source.OTHER
    source_domain: str = ""
    source_wave_id: int | None = None


def _clean(membership: Membership, data: PlanInput) -> dict[str, object]:
    require_plan_editor(membership)
    org = membership.organization
    title = data.title.strip()
    if not title or len(title) > 200:
        raise PlanError("give a title of 1 to 200 characters", "title")
    unit = access_unit(membership, data.unit_id)  # 404 outside a leader's subtree
    owner = None
    if data.owner_id is not None:
        owner = User.objects.filter(pk=data.owner_id, memberships__organization=org).first()
        if owner is None:
            raise PlanError("the owner must be a member of this organization", "owner")
    try:
        measure_info(data.target_measure)
    except UnknownMeasureError as exc:
        raise PlanError(str(exc), "target_measure") from exc
    if data.target_value is not None and not math.isfinite(data.target_value):
        raise PlanError("the target value must be a finite number", "target_value")
    for item_id in data.interventions:
        try:
            intervention(item_id)
        except UnknownKeyError as exc:
            raise PlanError(f"unknown intervention {item_id!r}", "interventions") from exc
    plan = nam_plan()
    nam_actions = data.nam_actions
    if nam_actions is None:
        keys = [k for i in data.interventions for k in intervention(i).nam_actions]
        nam_actions = tuple(dict.fromkeys(keys))
    for key in nam_actions:
        if key not in plan.actions:
            raise PlanError(f"unknown NAM action {key!r}", "nam_actions")
    actor_ids = {a.id for a in plan.actors}
    for actor in data.actor_groups:
        if actor not in actor_ids:
            raise PlanError(f"unknown NAM actor group {actor!r}", "actor_groups")
    if data.source not in ActionPlan.Source.values:
        raise PlanError(f"unknown source {data.source!r}", "source")
    if data.source_domain and data.source_domain not in vocabulary().domain_ids:
        raise PlanError(f"unknown domain {data.source_domain!r}", "source_domain")
    wave = None
    if data.source_wave_id is not None:
        wave = Wave.objects.filter(organization=org, pk=data.source_wave_id).first()
        if wave is None:
            raise PlanError("the wave belongs to no survey of this organization", "source_wave")
    return {
        "title": title,
        "description": data.description.strip(),
        "unit": unit,
        "owner": owner,
        "target_measure": data.target_measure,
        "target_value": data.target_value,
        "due_on": data.due_on,
        "interventions": list(dict.fromkeys(data.interventions)),
        "nam_actions": list(dict.fromkeys(nam_actions)),
        "actor_groups": list(dict.fromkeys(data.actor_groups)),
        "source": data.source,
        "source_domain": data.source_domain,
        "source_wave": wave,
    }


def create_plan(
    membership: Membership,
    data: PlanInput,
    *,
    created_by: User,
    started_on: date | None = None,
    status: str = ActionPlan.Status.PROPOSED,
    milestones: tuple[tuple[str, date | None], ...] = (),
) -> ActionPlan:
    """Create a plan (administrators anywhere; leaders only in their subtree)."""
    fields = _clean(membership, data)
    if status not in ActionPlan.Status.values:
        raise PlanError(f"unknown status {status!r}", "status")
    with transaction.atomic():
        plan = ActionPlan.objects.create(
            organization=membership.organization,
            created_by=created_by,
            started_on=started_on or timezone.localdate(),
            status=status,
            **fields,
        )
        for title, due in milestones:
            add_milestone(membership, plan, title, due)
    return plan


def update_plan(membership: Membership, plan: ActionPlan, data: PlanInput) -> ActionPlan:
    """Change a plan's fields; a leader can neither edit nor move a plan outside the subtree."""
    access_unit(membership, plan.unit_id)
    fields = _clean(membership, data)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(plan, name, value)
        plan.save()
    return plan


def set_status(membership: Membership, plan: ActionPlan, status: str) -> ActionPlan:
    require_plan_editor(membership)
    access_unit(membership, plan.unit_id)
    if status not in ActionPlan.Status.values:
        raise PlanError(f"unknown status {status!r}", "status")
    plan.status = status
    plan.save(update_fields=["status", "updated_at"])
    return plan


def add_milestone(
    membership: Membership, plan: ActionPlan, title: str, due_on: date | None = None
) -> Milestone:
    require_plan_editor(membership)
    access_unit(membership, plan.unit_id)
    title = title.strip()
    if not title or len(title) > 200:
        raise PlanError("give the milestone a title of 1 to 200 characters", "milestone_title")
    return Milestone.objects.create(plan=plan, title=title, due_on=due_on)


def set_milestone_done(
    membership: Membership,
    plan: ActionPlan,
    milestone_id: int,
    done: bool,
    *,
    done_on: date | None = None,
) -> Milestone:
    """Tick or untick a milestone; ``done_on`` defaults to today."""
    require_plan_editor(membership)
    access_unit(membership, plan.unit_id)
    milestone = plan.milestones.filter(pk=milestone_id).first()
    if milestone is None:
        raise PlanError("no such milestone in this plan", "milestone")
    milestone.done = done
    milestone.done_on = (done_on or timezone.localdate()) if done else None
    milestone.save(update_fields=["done", "done_on"])
    return milestone


def delete_milestone(membership: Membership, plan: ActionPlan, milestone_id: int) -> None:
    require_plan_editor(membership)
    access_unit(membership, plan.unit_id)
    plan.milestones.filter(pk=milestone_id).delete()
