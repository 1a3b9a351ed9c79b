"""In Chromium at 390 and 1280 px: the clinician's private feedback page.

What the answers suggest comes first in plain words, then support, then the details
(collapsed); answers that point to distress put support first. A clinician may keep a copy
of their results in their own browser and sees it beside their next results.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.browser import serious_violations
from tests.web.conftest import Cast
from tests.web.surveys.conftest import make_wave, token_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [390, 1280]


def _answer(page: Any, *, burnout: str, who5: str) -> None:
    page.get_by_role("group", name=re.compile("Overall, based on your definition")).get_by_role(
        "radio", name=re.compile(burnout)
    ).check()
    for number in range(1, 6):
        group = page.locator("fieldset", has=page.locator(f"input[name='q:who5.{number}']"))
        group.get_by_role("radio", name=who5, exact=True).check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(
        page.get_by_role("heading", name=re.compile("your answers are recorded"))
    ).to_be_visible()


def _headings(page: Any) -> list[str]:
    return [h.strip() for h in page.locator("main h2").all_inner_texts()]


@pytest.mark.parametrize("width", WIDTHS)
def test_answers_pointing_to_distress_put_support_first(
    cast: Cast, live_server: Any, browser: Any, width: int
) -> None:
    wave = make_wave(cast)
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{token_for(wave, 'card1@alpha.example')}/")
    _answer(page, burnout="^I am definitely burning out", who5="At no time")
    headings = _headings(page)
    assert headings[0] == "Your answers suggest you are going through a hard time"
    assert headings.index("What your answers suggest") < headings.index(
        "Support, whenever you need it"
    )
    lead = page.locator("section.support--lead")
    assert "not a diagnosis" in lead.inner_text()
    assert "talk with a doctor or a mental-health professional" in lead.inner_text()
    expect(lead.get_by_role("link", name="988")).to_be_visible()
    expect(lead.get_by_role("link", name="1-888-409-0141")).to_be_visible()
    body = page.locator("main").inner_text()
    assert "NOT CONFIRMED" not in body
    assert not re.search(r"You:?\s*(Yes|No)\b", body)
    # the details are there, collapsed
    details = page.locator("details.feedback-details")
    assert details.get_attribute("open") is None
    assert page.locator("table.feedback").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
    details.locator("summary").click()
    assert page.locator("table.feedback").is_visible()
    assert serious_violations(page) == []
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_findings_come_first_then_support_and_a_copy_is_kept_only_on_request(
    cast: Cast, live_server: Any, browser: Any, width: int
) -> None:
    wave = make_wave(cast)
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{token_for(wave, 'card1@alpha.example')}/")
    _answer(page, burnout="^I enjoy my work", who5="All of the time")
    headings = _headings(page)
    assert headings[:2] == ["What your answers suggest", "Support, whenever you need it"]
    findings = page.locator("ul.findings li").all_inner_texts()
    assert any("You describe no symptoms of burnout." in f for f in findings)
    assert any("well-being over the last two weeks looks good" in f for f in findings)
    # Minnesota's program is described as what it is
    state = page.locator("section.support").inner_text()
    assert "alternative to discipline by the licensing board" in state
    assert page.evaluate("Object.keys(localStorage).length") == 0  # nothing kept unasked
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []

    page.get_by_role("button", name="Keep a copy in this browser").click()
    expect(page.get_by_text("Kept in this browser.")).to_be_visible()
    kept = page.evaluate("JSON.parse(localStorage.getItem('clinwell:my-results'))")
    assert len(kept) == 1
    assert kept[0]["values"]["single_item_burnout.score"][1] == "1.0 on a scale of 1–5"

    # next wave, same browser: the earlier copy sits beside the new results
    later = make_wave(cast, name="Autumn pulse")
    page.goto(f"{live_server.url}/s/{token_for(later, 'card1@alpha.example')}/")
    _answer(page, burnout="^I am definitely burning out", who5="At no time")
    table = page.get_by_role("region", name="Your results over time")
    expect(table).to_be_visible()
    row = table.locator("tr", has=page.get_by_role("rowheader", name=re.compile("Burnout level")))
    cells = row.locator("td").all_inner_texts()
    assert cells == ["1.0 on a scale of 1–5", "3.0 on a scale of 1–5"]
    assert serious_violations(page) == []
    page.get_by_role("button", name="Delete my saved results from this browser").click()
    assert page.evaluate("localStorage.getItem('clinwell:my-results')") is None
    context.close()
