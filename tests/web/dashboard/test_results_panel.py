"""The results panel of the organization Overview page."""

from __future__ import annotations

from tests.web.conftest import Cast
from tests.web.results.conftest import Waves, add_responses, closed_wave


def test_the_overview_offers_the_previous_wave_when_the_latest_is_too_small(
    cast: Cast, waves: Waves, login
) -> None:
    tiny = closed_wave(cast.alpha, "Winter pulse", 1)
    add_responses(tiny, cast.unit(cast.alpha, "Alpha Health/Site A/Surgery"), 2, seed=9)
    page = login(cast.owner).get("/o/alpha/").content.decode()
    assert "Latest results: Winter pulse" in page
    assert "are not shown" in page
    assert f'/o/alpha/results/?wave={waves.second.pk}">Spring 2026</a>' in page
