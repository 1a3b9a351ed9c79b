"""In Chromium: plan pages pass axe; a leader starts a plan from a driver and picks the top one."""

from __future__ import annotations

from typing import Any

import pytest

from clinwell.knowledge import intervention
from clinwell.web.actions.models import ActionPlan
from clinwell.web.demo import DEMO_PASSWORD, load_demo
from clinwell.web.orgs.models import Unit
from tests.web.browser import log_in, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_pages_pass_axe_and_a_leader_starts_a_plan(live_server: Any, page: Any) -> None:
    load_demo(lambda _message: None)
    base = str(live_server.url)
    cardiology = Unit.objects.get(full_name="Riverside Health/Main Campus/Medicine/Cardiology")
    log_in(page, base, "leader@demo.clinwell.org", DEMO_PASSWORD)

    page.goto(f"{base}/o/riverside/actions/")
    assert serious_violations(page) == []
    visible = page.locator("table tbody tr").count()
    assert (
        visible
        == ActionPlan.objects.filter(
            unit__tree_path__startswith=cardiology.parent.tree_path
        ).count()
    )

    page.goto(
        f"{base}/o/riverside/actions/new/?source=driver"
        f"&measure=org_wellbeing.documentation_time&unit={cardiology.pk}"
    )
    assert serious_violations(page) == []
    first = page.locator(".suggestion").first
    first.get_by_role("checkbox").check()
    page.get_by_role("button", name="Create plan").click()
    assert page.get_by_text("created").is_visible()
    assert serious_violations(page) == []
    plan = ActionPlan.objects.latest("pk")
    assert plan.unit == cardiology
    assert plan.interventions
    assert "documentation_time_pressure" in intervention(plan.interventions[0]).primary_drivers

    page.goto(f"{base}/o/riverside/actions/burden/")
    assert serious_violations(page) == []

    page.context.clear_cookies()
    log_in(page, base, "admin@demo.clinwell.org", DEMO_PASSWORD)
    for other in ActionPlan.objects.exclude(pk=plan.pk):
        page.goto(f"{base}/o/riverside/actions/{other.pk}/")
        assert serious_violations(page) == [], other.title
    page.goto(f"{base}/o/riverside/actions/{plan.pk}/edit/")
    assert serious_violations(page) == []
