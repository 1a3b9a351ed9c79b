"""In Chromium: the EHR pages pass axe (no serious or critical violations) and the chart draws."""

from __future__ import annotations

from typing import Any

import pytest

from clinwell.web.demo import DEMO_PASSWORD, load_demo
from clinwell.web.ehrburden.models import EhrRun
from tests.web.browser import log_in, serious_violations
from tests.web.conftest import PASSWORD, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ehr_pages_pass_axe(live_server: Any, page: Any, phone_page: Any, cast: Cast) -> None:
    load_demo(lambda _message: None)
    run = EhrRun.objects.filter(organization__slug="riverside").order_by("-pk").first()
    assert run is not None
    base = str(live_server.url)

    log_in(page, base, "admin@demo.clinwell.org", DEMO_PASSWORD)
    page.goto(f"{base}/o/riverside/ehr/")
    page.wait_for_selector("#ehr-chart[data-ready='true'] svg")
    page.wait_for_selector("#ehr-trend[data-ready='true'] svg")  # the trend across the 2 runs
    assert page.get_by_role("heading", name="By unit", exact=True).is_visible()
    assert page.get_by_role("heading", name="Methods", exact=True).is_visible()
    assert serious_violations(page) == []
    page.get_by_text("Chart data as a table").click()
    assert serious_violations(page) == []
    for path in (
        f"/o/riverside/ehr/runs/{run.pk}/",
        f"/o/riverside/ehr/runs/{run.pk}/actions/",
        "/o/riverside/ehr/new/",
    ):
        page.goto(f"{base}{path}")
        assert serious_violations(page) == [], path

    page.get_by_role("button", name="Compute metrics").click()  # nothing chosen: errors listed
    assert page.get_by_text("The run was not started").is_visible()
    assert serious_violations(page) == []

    log_in(phone_page, base, "leader@demo.clinwell.org", DEMO_PASSWORD)
    phone_page.goto(f"{base}/o/riverside/ehr/")
    assert phone_page.get_by_text("Cardiology").first.is_visible()
    assert serious_violations(phone_page) == []

    page.context.clear_cookies()
    log_in(page, base, cast.analyst.email, PASSWORD)
    page.goto(f"{base}/o/alpha/ehr/")
    assert page.get_by_role("heading", name="No EHR metrics yet").is_visible()
    assert serious_violations(page) == []
