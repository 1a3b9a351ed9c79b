"""The administrator's "Getting started" list: each step ticked from the real state."""

from __future__ import annotations

from typing import Any

from clinwell.web.actions.models import ActionPlan
from clinwell.web.orgs.models import Membership
from clinwell.web.surveys.models import Wave


def getting_started(membership: Membership) -> dict[str, Any]:
    """Which of the four set-up steps are done, organization-wide.

    1. a unit tree: at least one unit below the organization itself;
    2. a roster: at least one active person;
    3. a survey wave launched (open or closed; a draft is not a run wave);
    4. results read and acted on: a closed wave (results published) and an action plan.
    """
    org = membership.organization
    waves = Wave.objects.filter(organization=org)
    closed = waves.filter(status=Wave.Status.CLOSED).exists()
    return {
        "steps_done": {
            "units": org.units.filter(parent__isnull=False).exists(),
            "roster": org.people.filter(active=True).exists(),
            "wave": waves.exclude(status=Wave.Status.DRAFT).exists(),
            "results": closed,
            "act": closed and ActionPlan.objects.filter(organization=org).exists(),
        }
    }
