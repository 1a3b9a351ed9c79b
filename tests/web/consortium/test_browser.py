"""In Chromium: a representative's benchmarks, the evidence and the public report pass axe and
fit a phone."""

from __future__ import annotations

from typing import Any

import pytest

from clinwell.web.consortium.services.releases import release_period
from tests.web.browser import log_in, serious_violations
from tests.web.conftest import PASSWORD
from tests.web.consortium.conftest import PERIOD, Collaborative

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_consortium_pages_pass_axe(
    contributed: Collaborative, live_server: Any, page: Any, phone_page: Any
) -> None:
    release = release_period(contributed.consortium, PERIOD)
    base = str(live_server.url)
    me = contributed.members[0]
    for view in (page, phone_page):
        view.set_default_timeout(60_000)
        log_in(view, base, contributed.rep_a.email, PASSWORD)
        view.goto(f"{base}/c/test-collab/benchmarks/{PERIOD}/")
        assert view.get_by_role("heading", name=f"Benchmarks, {PERIOD}").is_visible()
        headline = view.get_by_role("region", name="Headline measures")
        assert headline.get_by_text("better than", exact=False).first.is_visible()
        assert serious_violations(view) == []
        assert view.evaluate("document.documentElement.scrollWidth") <= view.viewport_size["width"]
        for path in ("", "evidence/", f"report/{release.number}/"):
            view.goto(f"{base}/c/test-collab/{path}")
            assert serious_violations(view) == [], path
            assert (
                view.evaluate("document.documentElement.scrollWidth")
                <= (view.viewport_size["width"])
            ), path
    page.goto(f"{base}/c/test-collab/report/{release.number}/")
    assert me.name not in page.content()  # the public report names no member
