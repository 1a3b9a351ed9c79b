"""Choosing a wave that has not closed yet says so, and when its results appear."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from clinwell.web.accounts.models import User
from tests.web.conftest import Cast
from tests.web.results.conftest import closed_wave
from tests.web.surveys.conftest import make_wave

pytestmark = pytest.mark.django_db

PAGES = ["", "heatmap/", "drivers/", "trends/", "equity/", "comments/", "export.csv"]


@pytest.mark.parametrize("page", PAGES)
def test_an_open_wave_is_still_open_not_a_404(
    cast: Cast, login: Callable[[User], Client], page: str
) -> None:
    closed = closed_wave(cast.alpha, "Spring 2026", 30)
    closes = timezone.now() + timedelta(days=9)
    wave = make_wave(cast, name="Autumn pulse", closes_at=closes)
    response = login(cast.owner).get(f"/o/alpha/results/{page}?wave={wave.pk}")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Autumn pulse is still open" in text
    assert f"It closes on {closes:%-d %B %Y}" in text
    assert f"?wave={closed.pk}" in text  # the way to the latest closed wave's results


def test_a_draft_says_when_it_opens_and_unknown_waves_stay_404(
    cast: Cast, login: Callable[[User], Client]
) -> None:
    draft = make_wave(cast, launch=False, name="Winter draft")
    client = login(cast.owner)
    text = client.get(f"/o/alpha/results/?wave={draft.pk}").content.decode()
    assert "Winter draft has not opened yet" in text
    assert client.get("/o/alpha/results/?wave=999999").status_code == 404
    other = make_wave(cast, name="Autumn pulse")
    # the API answers only with results: a wave without them is not found there
    assert client.get(f"/api/v1/orgs/alpha/waves/{other.pk}/results").status_code in (401, 404)
