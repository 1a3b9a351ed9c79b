"""In Chromium: the overview and the heatmap render their charts and pass axe."""

from __future__ import annotations

from typing import Any

import pytest

from clinwell.web.results.services.cache import results_for
from tests.web.browser import log_in, serious_violations
from tests.web.conftest import PASSWORD, Cast
from tests.web.results.conftest import Waves

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_overview_and_heatmap_pass_axe(
    cast: Cast, waves: Waves, live_server: Any, page: Any
) -> None:
    results_for(waves.first), results_for(waves.second)  # warm the cache before the browser
    page.set_default_timeout(60_000)  # a loaded CI machine
    log_in(page, live_server.url, cast.owner.email, PASSWORD)
    page.goto(f"{live_server.url}/o/alpha/results/")
    assert page.get_by_role("heading", name="Results overview").is_visible()
    assert page.get_by_role("heading", name="Burnout", exact=True).is_visible()
    page.wait_for_selector("[data-chart] svg")  # vega-embed drew the trend charts
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/o/alpha/results/heatmap/")
    assert page.get_by_role("heading", name="Unit heatmap").is_visible()
    page.locator("table.heatmap").get_by_role("link", name="Site A", exact=True).click()
    # Surgery has 3 respondents: its row is withheld, with the reason.
    surgery = page.locator("table.heatmap tr", has_text="Surgery")
    assert surgery.get_by_text("suppressed", exact=True).is_visible()
    assert serious_violations(page) == []
    for path in ("drivers/", "trends/", "comments/"):
        page.goto(f"{live_server.url}/o/alpha/results/{path}")
        assert serious_violations(page) == [], path


def test_the_overview_fits_a_phone(
    cast: Cast, waves: Waves, live_server: Any, phone_page: Any
) -> None:
    results_for(waves.first), results_for(waves.second)
    phone_page.set_default_timeout(60_000)
    log_in(phone_page, live_server.url, cast.executive.email, PASSWORD)
    phone_page.goto(f"{live_server.url}/o/alpha/results/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(phone_page) == []
