"""In Chromium at 1280 and 390 px: the comments page searches, opens a theme's links, fits a
phone, and passes axe."""

from __future__ import annotations

from typing import Any

import pytest

from clinwell.web.results.services.cache import results_for
from clinwell.web.surveys.models import Wave
from tests.web.browser import log_in, serious_violations
from tests.web.conftest import PASSWORD, Cast
from tests.web.results.conftest import DUPLICATE, PEDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_searches_comments_and_follows_a_theme(
    cast: Cast, comment_waves: tuple[Wave, Wave], live_server: Any, page: Any
) -> None:
    for wave in comment_waves:
        results_for(wave)  # the release, as the worker computes it when a wave closes
    page.set_default_timeout(60_000)
    log_in(page, live_server.url, cast.owner.email, PASSWORD)
    peds = cast.unit(cast.alpha, PEDS).pk
    page.goto(f"{live_server.url}/o/alpha/results/comments/?unit={peds}")
    assert page.get_by_role("heading", name="Themes in Pediatrics").is_visible()
    assert (
        page.locator(".comment", has_text=DUPLICATE).get_by_text("6 similar comments").is_visible()
    )
    assert serious_violations(page) == []
    page.get_by_label("Search comments").fill("nurses")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state("networkidle")
    marks = page.locator(".comment mark")
    assert marks.count() >= 1
    assert {m.lower() for m in marks.all_inner_texts()} == {"nurses"}
    page.locator("#theme-safety_violence summary").click()
    link = page.locator("#theme-safety_violence").get_by_role("link", name="Start an action plan")
    assert link.is_visible()
    link.click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Safety and violence").first.is_visible()
    assert serious_violations(page) == []


def test_the_comments_page_fits_a_phone_and_shows_a_viewer_counts_only(
    cast: Cast, comment_waves: tuple[Wave, Wave], live_server: Any, phone_page: Any
) -> None:
    for wave in comment_waves:
        results_for(wave)
    phone_page.set_default_timeout(60_000)
    log_in(phone_page, live_server.url, cast.executive.email, PASSWORD)
    peds = cast.unit(cast.alpha, PEDS).pk
    phone_page.goto(f"{live_server.url}/o/alpha/results/comments/?unit={peds}")
    assert phone_page.get_by_role("heading", name="Themes in Pediatrics").is_visible()
    assert phone_page.locator(".comment").count() == 0
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(phone_page) == []
