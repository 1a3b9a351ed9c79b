"""The demo: plans at every stage; the plan on the planted driver has a measured impact."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from clinwell.web.accounts.models import User
from clinwell.web.actions.drivers import measure_info
from clinwell.web.actions.impact import plan_impact
from clinwell.web.actions.models import ActionPlan
from clinwell.web.actions.suggestions import suggestion_request, suggestions_for
from clinwell.web.consortium.demo import CONSORTIUM_SLUG
from clinwell.web.consortium.models import Consortium
from clinwell.web.demo import DEMO_SLUG, load_demo
from clinwell.web.orgs.models import Organization
from clinwell.web.orgs.services.organizations import delete_organization

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        load_demo(lambda _message: None)
        yield
        delete_organization(Organization.objects.get(slug=DEMO_SLUG))
        Consortium.objects.filter(slug=CONSORTIUM_SLUG).delete()  # the demo's consortium too
        User.objects.filter(email__endswith="@demo.clinwell.org").delete()


def test_plans_at_every_stage(demo: None) -> None:
    statuses = set(ActionPlan.objects.values_list("status", flat=True))
    assert statuses == set(ActionPlan.Status.values)


def test_the_planted_driver_plan_is_measured_and_improved(demo: None) -> None:
    plan = ActionPlan.objects.get(title="Give clinicians back documentation time")
    impact = plan_impact(plan)
    assert impact.status == "measured"
    assert impact.did is not None
    assert impact.improved is True
    assert impact.did.lower > 0  # the synthetic improvers gain 0.7 SD on this factor


def test_its_interventions_are_the_top_suggestions_for_the_planted_driver(demo: None) -> None:
    plan = ActionPlan.objects.get(title="Give clinicians back documentation time")
    ranked = suggestions_for(
        suggestion_request("driver", measure_info("org_wellbeing.documentation_time"), None)
    )
    assert "documentation_time_pressure" in ranked[0].intervention.primary_drivers
    assert plan.interventions[0] == ranked[0].intervention.id
