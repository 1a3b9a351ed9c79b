"""The heatmap colours each unit against a stated reference (the rest of the organization),
only where the difference is clear, and says so in a legend."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import User
from django.test import Client

from clinwell.web.results.services.cache import results_for
from clinwell.web.results.services.catalog import kpi_measures
from clinwell.web.results.services.present import reference_class
from tests.web.conftest import Cast
from tests.web.results.conftest import Waves


def test_colour_only_for_a_clear_difference_from_the_organization(waves: Waves) -> None:
    m = kpi_measures(results_for(waves.second).measures)["burnout"]
    assert m.higher_is_worse is True
    est = {"estimate": 0.5, "lower": 0.4, "upper": 0.6, "n": 50}
    assert reference_class(m, est, {"direction": "above", "q": 0.01}) == "heat-worse"
    assert reference_class(m, est, {"direction": "below", "q": 0.01}) == "heat-better"
    assert reference_class(m, est, {}) == "heat-same"
    assert reference_class(m, None, {}) == "heat-none"


def test_the_heatmap_states_its_reference_in_a_legend(
    cast: Cast, waves: Waves, login: Callable[[User], Client]
) -> None:
    page = login(cast.owner).get("/o/alpha/results/heatmap/").content.decode()
    assert "Colours compare each unit with the rest of the organization" in page
    for label in ("clearly better", "not clearly different", "clearly worse"):
        assert label in page
    assert "heat-reference" in page  # the first row, the group itself
    assert "heat-1" not in page  # no colour from a measure's own scale any more
