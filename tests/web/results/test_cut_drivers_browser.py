"""In Chromium: the drivers page inside a cut — the group's own analysis, and a group that
borrows its unit's importance — draws its quadrant chart, fits a phone and passes axe."""

from __future__ import annotations

import os
from typing import Any

import pytest

from clinwell.web.results.services.cache import results_for
from clinwell.web.surveys.models import Wave
from tests.web.browser import log_in, serious_violations
from tests.web.conftest import PASSWORD, Cast
from tests.web.results.conftest import add_responses, closed_wave
from tests.web.results.test_cut_drivers import SITE_B, SIZES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def wave(cast: Cast) -> Wave:
    wave = closed_wave(cast.alpha, "Cut drivers wave", 4)
    for i, (path, (physicians, nurses)) in enumerate(SIZES.items()):
        unit = cast.unit(cast.alpha, path)
        add_responses(wave, unit, physicians, 300 + i, role="physician")
        add_responses(wave, unit, nurses, 350 + i, role="nurse", shift=0.4)
    results_for(wave)  # warm the cache before the browser
    return wave


def _check(page: Any, url: str, width: int, shot: str) -> None:
    page.goto(url)
    assert page.get_by_role("heading", name="Importance and performance").is_visible()
    page.wait_for_selector("[data-chart='chart-quadrant'] svg")  # vega-embed drew it
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
    if os.environ.get("CLINWELL_SHOTS"):  # to look at the pages by hand
        page.screenshot(path=f"{os.environ['CLINWELL_SHOTS']}/{shot}-{width}.png", full_page=True)


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_the_drivers_page_inside_a_cut_passes_axe_at_1280_and_390_px(
    cast: Cast, wave: Wave, live_server: Any, viewport: str, request: pytest.FixtureRequest
) -> None:
    page = request.getfixturevalue(viewport)
    width = 1280 if viewport == "page" else 390
    page.set_default_timeout(60_000)  # a loaded CI machine
    log_in(page, live_server.url, cast.owner.email, PASSWORD)
    site_b = cast.unit(cast.alpha, SITE_B)
    base = f"{live_server.url}/o/alpha/results/drivers/?wave={wave.pk}&unit={site_b.pk}"
    _check(page, f"{base}&role=physician", width, "own")
    assert page.get_by_text("This is the driver analysis of").is_visible()
    _check(page, f"{base}&role=nurse", width, "borrowed")
    assert page.get_by_role(
        "heading", name="Importance from the analysis of everyone in Site B"
    ).is_visible()
