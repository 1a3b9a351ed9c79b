"""In Chromium at 1280 and 390 px, with axe: set up a wave with a licensed instrument, load its
text, launch, word the invitation, confirm the send, schedule a reminder and copy the wave."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from clinwell.instruments import get_instrument, load_library, to_fhir_questionnaire
from clinwell.web.surveys.models import Wave
from tests.web.browser import log_in, serious_violations
from tests.web.conftest import PASSWORD, Cast
from tests.web.surveys.test_wave_setup import CBI_TEXT, OTHER_ORDER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("CLINWELL_SCREENSHOTS", "")


def check(page: Any, name: str) -> None:
    """No serious axe violation, nothing wider than the viewport; a screenshot if asked."""
    assert serious_violations(page) == [], name
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: {overflow}px wider than the viewport"
    if SHOTS:
        width = page.viewport_size["width"]
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def questionnaire_file(tmp_path: Path, texts: list[str], name: str) -> Path:
    questionnaire = to_fhir_questionnaire(get_instrument("cbi"))
    for item, text in zip(questionnaire["item"], texts, strict=True):
        item["text"] = text
    path = tmp_path / name
    path.write_text(json.dumps(questionnaire), encoding="utf-8")
    return path


@pytest.mark.parametrize("width", [1280, 390])
def test_wave_set_up_flow(
    cast: Cast, live_server: Any, browser: Any, tmp_path: Path, monkeypatch: Any, width: int
) -> None:
    monkeypatch.setenv("CLINWELL_INSTRUMENTS_DIR", str(tmp_path / "instruments"))
    load_library.cache_clear()
    context = browser.new_context(
        viewport={"width": width, "height": 900 if width > 400 else 844},
        is_mobile=width < 400,
        has_touch=width < 400,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    try:
        log_in(page, base, "owner@example.org", PASSWORD)
        page.goto(f"{base}/o/alpha/surveys/")
        check(page, "surveys-index")
        page.get_by_role("link", name="Licensed instrument text").click()
        expect(page.get_by_text("Text not loaded").first).to_be_visible()
        check(page, "instrument-list")
        page.goto(f"{base}/o/alpha/surveys/new/")
        check(page, "wave-form")
        page.get_by_label("Name", exact=True).fill("Autumn check-in")
        page.get_by_label("Opens").fill("2030-09-01T08:00")
        page.get_by_label("Closes").fill("2030-09-30T17:00")
        page.get_by_role("checkbox", name="Copenhagen Burnout Inventory").check()
        page.get_by_role("button", name="Create wave").click()
        expect(page.get_by_role("heading", name="Item text to load: Copenhagen")).to_be_visible()
        check(page, "wave-detail-draft")

        page.get_by_role("link", name="Load the licensed text").click()
        expect(page.get_by_text("enough energy for family and friends")).to_be_visible()
        check(page, "instrument-text")

        # A file in the other published order is refused, naming the item.
        page.get_by_label("Questionnaire file (.json)").set_input_files(
            questionnaire_file(tmp_path, OTHER_ORDER, "cbi-other-order.json")
        )
        page.get_by_role("button", name="Check and preview").first.click()
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("Nothing was loaded.")
        expect(alert).to_contain_text("cbi.7")
        check(page, "instrument-text-refused")

        page.get_by_label("Questionnaire file (.json)").set_input_files(
            questionnaire_file(tmp_path, CBI_TEXT, "cbi.json")
        )
        page.get_by_role("button", name="Check and preview").first.click()
        expect(page.get_by_role("heading", name=re.compile("^Preview"))).to_be_visible()
        check(page, "instrument-text-preview")
        page.get_by_label(re.compile("holds the right to use this text")).check()
        page.get_by_role("button", name="Load this text").click()
        expect(page.get_by_text("Licensed text of Copenhagen Burnout Inventory")).to_be_visible()

        wave = Wave.objects.get(name="Autumn check-in")
        Wave.objects.filter(pk=wave.pk).update(
            opens_at=wave.opens_at.replace(year=2020)
        )  # open now, so that invitations can go out
        page.reload()
        page.get_by_role("button", name="Launch").click()
        expect(page.locator(".status--open").first).to_be_visible()

        page.get_by_role("link", name="Invitation e-mail").click()
        page.get_by_label("Invitation subject").fill("{organization}: five minutes for {wave}?")
        page.get_by_role("button", name="Preview").click()
        expect(page.get_by_text("Alpha Health: five minutes for Autumn check-in?")).to_be_visible()
        check(page, "email")
        page.get_by_role("button", name="Save wording").click()
        expect(page.get_by_text("E-mail wording saved.")).to_be_visible()
        page.get_by_label("Add a date").fill("2030-09-15")
        page.get_by_role("button", name="Save reminder dates").click()
        expect(page.get_by_text("Sunday 15 September 2030 — scheduled")).to_be_visible()
        check(page, "email-saved")

        page.get_by_role("link", name=f"Back to {wave.name}").click()
        page.get_by_role("link", name="Send invitations…").click()
        heading = page.get_by_role("heading", name="You are about to send 5 invitations")
        expect(heading).to_be_visible()
        check(page, "send-confirm")
        assert not mail.outbox
        page.get_by_role("button", name="Send 5 invitations").click()
        expect(page.get_by_text("5 sent of 5 (100%).")).to_be_visible()
        assert mail.outbox[0].subject == "Alpha Health: five minutes for Autumn check-in?"
        check(page, "wave-detail-open")

        page.get_by_role("button", name="Copy as a new wave").click()
        expect(page.get_by_label("Name", exact=True)).to_have_value("Autumn check-in (copy)")
        check(page, "wave-form-copy")
    finally:
        context.close()
        load_library.cache_clear()
