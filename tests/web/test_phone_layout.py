"""On a phone (390 px): survey questions stay inside their cards, and the main navigation
shows that more items exist (static/clinwell/app.css)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.browser import log_in, serious_violations
from tests.web.conftest import PASSWORD, Cast
from tests.web.surveys.conftest import anonymous_token, wave

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["anonymous_token", "wave"]

OVERFLOWING = """
[...document.querySelectorAll('.question')].filter(q => {
  const edge = q.getBoundingClientRect().right;
  return [...q.querySelectorAll('legend, label, span, p')]
    .some(e => e.getBoundingClientRect().right > edge + 1);
}).length
"""


def test_survey_question_text_stays_inside_its_card(
    anonymous_token: str, live_server: Any, phone_page: Any
) -> None:
    phone_page.goto(f"{live_server.url}/a/{anonymous_token}/")
    assert phone_page.locator(".question").count() > 5
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone_page.evaluate(OVERFLOWING) == 0
    legend = phone_page.locator(".question legend").first
    assert legend.evaluate("el => getComputedStyle(el).whiteSpace") == "normal"
    # a long unbroken word (a URL, a drug name) breaks instead of leaving the card
    assert legend.evaluate("el => getComputedStyle(el).overflowWrap") == "anywhere"
    legend.evaluate("el => { el.textContent = 'x'.repeat(120); }")
    assert phone_page.evaluate(OVERFLOWING) == 0


def test_the_navigation_shows_more_items_on_a_phone(
    cast: Cast, live_server: Any, phone_page: Any
) -> None:
    log_in(phone_page, live_server.url, cast.owner.email, PASSWORD)
    nav = phone_page.locator(".mainnav ul")
    assert nav.evaluate("el => el.scrollWidth > el.clientWidth")  # more than fits
    shadows = nav.evaluate("el => getComputedStyle(el).backgroundImage")
    assert shadows.count("linear-gradient") == 4  # edge covers and shadows
    assert serious_violations(phone_page) == []
