"""Demo step: action plans at every stage, one with a measured impact when waves allow.

Runs after the survey demo. The plan on the planted driver (documentation time) is in
Hospital Medicine, one of the units the synthetic survey makes improve from its third wave
(``clinwell.synth.survey.DEMO_IMPROVERS``). It starts between the last two closed waves that
measured it, so its impact is measured; with fewer closed waves it stays "in progress" and
its page says what the impact waits for.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from clinwell.web.actions.drivers import measure_info
from clinwell.web.actions.models import ActionPlan
from clinwell.web.actions.services import PlanInput, create_plan, set_milestone_done
from clinwell.web.actions.suggestions import suggestion_request, suggestions_for
from clinwell.web.demo import DemoContext
from clinwell.web.orgs.models import Membership, Organization, Unit
from clinwell.web.surveys.models import Wave

# The planted driver first; fall back to columns the demo waves may carry instead.
IMPACT_MEASURES = (
    "org_wellbeing.documentation_time",
    "admin_burden.after_hours_ehr",
    "single_item_burnout.burnout",
)


def _unit(org: Organization, path: str) -> Unit:
    unit = Unit.objects.filter(organization=org, full_name=path).first()
    if unit is None:  # the demo tree changed: fall back to the root
        unit = Unit.objects.filter(organization=org, parent=None).order_by("pk").first()
    if unit is None:
        raise ValueError("the demo organization has no units")
    return unit


def _closed_waves(org: Organization, instrument_id: str) -> list[Wave]:
    return list(
        Wave.objects.filter(
            organization=org, status=Wave.Status.CLOSED, modules__instrument_id=instrument_id
        )
        .distinct()
        .order_by("closes_at")
    )


def _top_interventions(measure: str, n: int) -> tuple[str, ...]:
    request = suggestion_request("driver", measure_info(measure), None)
    return tuple(s.intervention.id for s in suggestions_for(request, limit=n))


def load(context: DemoContext) -> None:
    org: Organization = context.objects["organization"]
    admin = context.objects["user:admin"]
    leader = context.objects["user:leader"]
    membership = Membership.objects.get(user=admin, organization=org)
    today = timezone.localdate()
    improver = _unit(org, "Riverside Health/Main Campus/Medicine/Hospital Medicine")

    measure, waves = IMPACT_MEASURES[0], _closed_waves(org, "org_wellbeing")
    for candidate in IMPACT_MEASURES:
        found = _closed_waves(org, measure_info(candidate).instrument)
        if len(found) >= 2:
            measure, waves = candidate, found
            break
    measured = len(waves) >= 2
    baseline: Wave | None = waves[-1] if waves else None
    started: date = today
    if measured:
        baseline = waves[-2]
        started = baseline.closes_at.date() + timedelta(days=7)
    first = create_plan(
        membership,
        PlanInput(
            title="Give clinicians back documentation time",
            description="Team documentation and scribes in Hospital Medicine, where time "
            "for documentation was the strongest driver of burnout.",
            unit_id=improver.pk,
            owner_id=leader.pk,
            target_measure=measure,
            target_value=3.5 if not measure_info(measure).is_proportion else 0.3,
            due_on=started + timedelta(days=120),
            interventions=_top_interventions("org_wellbeing.documentation_time", 2),
            actor_groups=("health_systems", "health_workers"),
            source=ActionPlan.Source.DRIVER,
            source_domain="practice_efficiency",
            source_wave_id=baseline.pk if baseline is not None else None,
        ),
        created_by=admin,
        started_on=started,
        status=ActionPlan.Status.DONE if measured else ActionPlan.Status.IN_PROGRESS,
        milestones=(
            ("Agree the documentation workflow with the care team", started + timedelta(14)),
            ("Train medical assistants in team documentation", started + timedelta(45)),
            ("Run for one quarter and review", started + timedelta(110)),
        ),
    )
    for milestone in first.milestones.all():
        day = milestone.due_on if measured else None
        set_milestone_done(membership, first, milestone.pk, True, done_on=day)

    inbox = create_plan(
        membership,
        PlanInput(
            title="Team triage of the EHR inbox",
            unit_id=_unit(org, "Riverside Health/North Clinic/Family Medicine").pk,
            owner_id=admin.pk,
            target_measure="admin_burden.inbox_per_day",
            target_value=40,
            due_on=today + timedelta(days=60),
            interventions=_top_interventions("admin_burden.inbox_per_day", 1),
            source=ActionPlan.Source.DRIVER,
        ),
        created_by=admin,
        started_on=started if measured else today - timedelta(days=30),
        status=ActionPlan.Status.IN_PROGRESS,
        milestones=(
            ("Map who handles each message type", today - timedelta(days=10)),
            ("Pilot nurse-first triage for refill requests", today + timedelta(days=20)),
        ),
    )
    set_milestone_done(membership, inbox, inbox.milestones.order_by("due_on")[0].pk, True)

    create_plan(
        membership,
        PlanInput(
            title="Cut low-value prior authorizations with our payers",
            unit_id=_unit(org, "Riverside Health").pk,
            owner_id=admin.pk,
            target_measure="admin_burden.prior_auth_hours",
            due_on=today + timedelta(days=180),
            interventions=_top_interventions("admin_burden.prior_auth_hours", 2),
            actor_groups=("health_systems", "insurers_payers", "governments"),
            source=ActionPlan.Source.DRIVER,
        ),
        created_by=admin,
        status=ActionPlan.Status.PROPOSED,
    )
    create_plan(
        membership,
        PlanInput(
            title="Evening resilience workshops",
            description="Replaced by protected time: workshops after hours added to the load.",
            unit_id=_unit(org, "Riverside Health/Main Campus/Emergency Medicine").pk,
            owner_id=admin.pk,
            target_measure="single_item_burnout.burnout",
            due_on=today - timedelta(days=20),
            source=ActionPlan.Source.CELL,
        ),
        created_by=admin,
        started_on=today - timedelta(days=90),
        status=ActionPlan.Status.ABANDONED,
    )
    context.objects["plan:impact"] = first
    note = "with a measured impact" if measured else "(impact waits for two closed waves)"
    context.log(f"Action plans: 4 plans at different stages; '{first.title}' {note}.")
