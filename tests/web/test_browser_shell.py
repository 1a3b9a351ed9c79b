"""In Chromium: the demo admin logs in and sees the unit tree and roster; pages pass axe."""

from __future__ import annotations

from typing import Any

import pytest

from clinwell.web.demo import DEMO_PASSWORD, load_demo
from tests.web.browser import log_in, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server: Any) -> str:
    load_demo(lambda _message: None)
    return str(live_server.url)


def test_demo_admin_sees_the_unit_tree_and_roster(demo: str, page: Any) -> None:
    log_in(page, demo, "admin@demo.clinwell.org", DEMO_PASSWORD)
    assert page.get_by_role("heading", name="Riverside Health").is_visible()
    nav = page.get_by_role("navigation", name="Organization")
    for label in ("Overview", "Surveys", "Results", "Action plans", "EHR", "Knowledge", "Settings"):
        assert nav.get_by_role("link", name=label, exact=True).is_visible()

    page.get_by_role("link", name="View the unit tree").click()
    tree = page.get_by_role("list", name="Units")
    tree.wait_for()
    assert tree.get_by_role("link", name="Cardiology").is_visible()
    assert tree.get_by_role("link", name="Lakeside Hospital").is_visible()
    tree.get_by_role("link", name="Cardiology").click()
    page.wait_for_url("**/units/*/")  # a click does not wait for the next page
    heading = page.get_by_role("heading", name="Cardiology")
    heading.wait_for()
    assert heading.is_visible()

    page.goto(f"{demo}/o/riverside/roster/")
    assert page.get_by_role("heading", name="Roster").is_visible()
    assert page.locator("table tbody tr").count() == 50  # first page of 484
    assert "484 people" in page.locator("caption").inner_text()


def test_login_and_home_pages_have_no_serious_accessibility_violations(
    demo: str, page: Any
) -> None:
    page.goto(f"{demo}/accounts/login/")
    assert serious_violations(page) == []
    log_in(page, demo, "admin@demo.clinwell.org", DEMO_PASSWORD)
    assert page.url.endswith("/o/riverside/")
    assert serious_violations(page) == []
    for path in ("units/", "roster/", "settings/", "surveys/", "results/"):
        page.goto(f"{demo}/o/riverside/{path}")
        assert serious_violations(page) == [], path


def test_the_shell_fits_a_phone_screen(demo: str, phone_page: Any) -> None:
    log_in(phone_page, demo, "leader@demo.clinwell.org", DEMO_PASSWORD)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # no horizontal scrolling of the page itself
    assert serious_violations(phone_page) == []
    nav = phone_page.get_by_role("navigation", name="Organization")
    assert nav.get_by_role("link", name="Settings").count() == 0  # leaders have no settings


def test_admin_pages_on_a_phone_have_no_serious_accessibility_violations(
    demo: str, phone_page: Any
) -> None:
    """At 390 px the wide tables scroll inside their wrapper, which must be focusable
    (axe: scrollable-region-focusable) and named for screen readers."""
    log_in(phone_page, demo, "admin@demo.clinwell.org", DEMO_PASSWORD)
    for path, label in (("roster/", "Roster table"), ("settings/", "People with access table")):
        phone_page.goto(f"{demo}/o/riverside/{path}")
        region = phone_page.get_by_role("region", name=label)
        assert region.get_attribute("tabindex") == "0", path
        assert serious_violations(phone_page) == [], path
