"""In Chromium: the drivers page draws its quadrant chart, fits a phone and passes axe, for
the organization and for a unit that borrows the organization's importance."""

from __future__ import annotations

from typing import Any

import pytest

from clinwell.web.results.services.cache import results_for
from clinwell.web.surveys.models import Wave
from tests.web.browser import log_in, serious_violations
from tests.web.conftest import PASSWORD, Cast
from tests.web.results.conftest import add_responses, closed_wave

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"Site A/Medicine/Cardiology": 30, "Site A/Surgery": 12, "Site B/Pediatrics": 520}


@pytest.fixture
def wave(cast: Cast) -> Wave:
    wave = closed_wave(cast.alpha, "Drivers wave", 5)
    for i, (path, n) in enumerate(SIZES.items()):
        add_responses(wave, cast.unit(cast.alpha, f"Alpha Health/{path}"), n, 500 + i)
    results_for(wave)  # warm the cache before the browser
    return wave


def _check(page: Any, url: str, width: int) -> None:
    page.goto(url)
    assert page.get_by_role("heading", name="Importance and performance").is_visible()
    page.wait_for_selector("[data-chart='chart-quadrant'] svg")  # vega-embed drew it
    assert page.get_by_role("rowheader", name="Time for documentation").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_the_drivers_page_passes_axe_at_1280_and_390_px(
    cast: Cast, wave: Wave, live_server: Any, viewport: str, request: pytest.FixtureRequest
) -> None:
    page = request.getfixturevalue(viewport)
    width = 1280 if viewport == "page" else 390
    page.set_default_timeout(60_000)  # a loaded CI machine
    log_in(page, live_server.url, cast.owner.email, PASSWORD)
    base = f"{live_server.url}/o/alpha/results/drivers/?wave={wave.pk}"
    _check(page, base, width)
    cardio = cast.unit(cast.alpha, "Alpha Health/Site A/Medicine/Cardiology")
    _check(page, f"{base}&unit={cardio.pk}", width)
    assert page.get_by_role(
        "heading", name="Importance from the organization's analysis"
    ).is_visible()
