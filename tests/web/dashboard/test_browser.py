"""In Chromium with axe: the executive overview at 1280 and 390 px."""

from __future__ import annotations

from typing import Any

import pytest

from clinwell.web.results.services.cache import results_for
from tests.web.browser import log_in, serious_violations
from tests.web.conftest import PASSWORD, Cast
from tests.web.results.conftest import Waves

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_executive_overview_passes_axe_on_a_desktop(
    cast: Cast, waves: Waves, live_server: Any, page: Any
) -> None:
    results_for(waves.first), results_for(waves.second)  # warm the cache before the browser
    page.set_default_timeout(60_000)
    log_in(page, live_server.url, cast.executive.email, PASSWORD)
    page.goto(f"{live_server.url}/o/alpha/")
    assert page.get_by_role("heading", name="In one minute").is_visible()
    assert page.get_by_role("heading", name="Units that most need attention").is_visible()
    table = page.get_by_role("region", name="Headline measures")
    assert table.get_by_role("rowheader", name="Burnout").is_visible()
    assert page.get_by_text("physicians here").first.is_visible()
    assert serious_violations(page) == []


def test_the_executive_overview_fits_a_phone(
    cast: Cast, waves: Waves, live_server: Any, phone_page: Any
) -> None:
    results_for(waves.first), results_for(waves.second)
    phone_page.set_default_timeout(60_000)
    log_in(phone_page, live_server.url, cast.executive.email, PASSWORD)
    phone_page.goto(f"{live_server.url}/o/alpha/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    # The headline table scrolls inside its box, its first column staying in view.
    region = phone_page.get_by_role("region", name="Headline measures")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    region.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    first = region.get_by_role("rowheader", name="Burnout")
    box, wrap = first.bounding_box(), region.bounding_box()
    assert box is not None
    assert wrap is not None
    assert abs(box["x"] - wrap["x"]) < 2  # sticky: still at the left edge after scrolling
    # The main navigation shows that more items exist beyond the screen's edge.
    nav = phone_page.locator(".mainnav ul")
    assert nav.evaluate("el => el.scrollWidth > el.clientWidth")
    assert "gradient" in nav.evaluate("el => getComputedStyle(el).backgroundImage")
    assert serious_violations(phone_page) == []
