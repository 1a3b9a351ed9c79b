"""The anonymous link's rules: one answer per browser, a rate limit per address, a QR code."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from clinwell.web.surveys.models import Response, Wave
from clinwell.web.surveys.services.anonymous import ANSWERED_COOKIE
from tests.web.conftest import Cast
from tests.web.surveys.conftest import GOOD_ANSWERS

pytestmark = pytest.mark.django_db


def _answer(client: Client, token: str, **extra: str) -> Any:
    form = client.get(f"/a/{token}/", **extra).content.decode()
    nonce = form.split('name="nonce" value="')[1].split('"')[0]
    return client.post(f"/a/{token}/", {**GOOD_ANSWERS, "nonce": nonce}, **extra)


def test_one_answer_per_browser_with_a_clear_page(
    cast: Cast, wave: Wave, anonymous_token: str
) -> None:
    browser = Client()
    first = _answer(browser, anonymous_token)
    assert "your answers are recorded" in first.content.decode()
    cookie = first.cookies[ANSWERED_COOKIE]
    assert cookie.value == "1"  # nothing that names the response, person or link
    assert cookie["path"] == f"/a/{anonymous_token}/"  # sent to this link only
    assert cookie["httponly"]
    assert int(cookie["max-age"]) > 13 * 24 * 3600  # until after the wave closes
    page = browser.get(f"/a/{anonymous_token}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "You have already answered this survey" in text
    assert 'name="nonce"' not in text  # no form to answer again
    assert "988" in text  # support stays on the page
    again = browser.post(f"/a/{anonymous_token}/", {**GOOD_ANSWERS, "nonce": "fresh-form"})
    assert "You have already answered this survey" in again.content.decode()
    assert Response.objects.count() == 1
    # another browser (a colleague's phone) may answer
    assert "your answers are recorded" in _answer(Client(), anonymous_token).content.decode()
    assert Response.objects.count() == 2


@override_settings(ANONYMOUS_LINK_POSTS_PER_WINDOW=3)
def test_a_rate_limit_per_address(cast: Cast, wave: Wave, anonymous_token: str) -> None:
    here = {"REMOTE_ADDR": "203.0.113.7"}
    for _ in range(3):
        assert _answer(Client(), anonymous_token, **here).status_code == 200
    refused = _answer(Client(), anonymous_token, **here)
    assert refused.status_code == 429
    assert "Too many answers from this network just now" in refused.content.decode()
    assert Response.objects.count() == 3
    # another address is not affected
    elsewhere = _answer(Client(), anonymous_token, REMOTE_ADDR="198.51.100.9")
    assert "your answers are recorded" in elsewhere.content.decode()
    assert Response.objects.count() == 4


def test_the_wave_page_shows_each_link_with_its_qr_code(
    cast: Cast, wave: Wave, anonymous_token: str, login: Any
) -> None:
    page = login(cast.owner).get(f"/o/alpha/surveys/{wave.pk}/").content.decode()
    url = f"http://testserver/a/{anonymous_token}/"
    assert f'<a href="{url}">' in page
    svg = page.split('<svg role="img"', 1)[1].split("</svg>", 1)[0]
    assert f"<title>QR code for {url}</title>" in svg
    assert "style=" not in svg  # a strict Content-Security-Policy allows no inline style
    assert "<path" in svg
