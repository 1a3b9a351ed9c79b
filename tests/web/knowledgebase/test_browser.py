"""In Chromium: the knowledge pages pass axe (no serious or critical violations)."""

from __future__ import annotations

from typing import Any

import pytest

from clinwell.web.demo import DEMO_PASSWORD, load_demo
from tests.web.browser import log_in, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "",
    "nam/",
    "nasem/",
    "levels/",
    "interventions/?level=organization",
    "interventions/medical_scribes/",
    "resources/",
    "recognition/",
]


def test_knowledge_pages_have_no_serious_accessibility_violations(
    live_server: Any, page: Any
) -> None:
    load_demo(lambda _message: None)
    base = str(live_server.url)
    log_in(page, base, "admin@demo.clinwell.org", DEMO_PASSWORD)
    for path in PAGES:
        page.goto(f"{base}/o/riverside/knowledge/{path}")
        assert page.get_by_role("heading", level=1).count() == 1, path
        assert serious_violations(page) == [], path
    # the admin ticks one more item and saves; the page says so
    page.goto(f"{base}/o/riverside/knowledge/recognition/")
    unchecked = page.locator("input[name=checked]:not(:checked)").first
    unchecked.check()
    page.get_by_role("button", name="Save progress").click()
    assert page.get_by_text("Recognition readiness saved.").is_visible()
