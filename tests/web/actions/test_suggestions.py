"""Suggestions for a plan started from a result, and the output-column → driver mapping."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from clinwell.instruments import load_library
from clinwell.knowledge import find_interventions, vocabulary
from clinwell.web.accounts.models import User
from clinwell.web.actions.drivers import OUTPUT_DRIVERS, measure_info, measures
from clinwell.web.actions.suggestions import (
    default_level,
    parse_level,
    suggestion_request,
    suggestions_for,
)
from clinwell.web.results.services.pages import action_url
from tests.web.actions.conftest import CARDIOLOGY
from tests.web.conftest import Cast

Login = Callable[[User], Client]


def test_every_mapped_key_exists_in_the_vocabulary_and_the_library() -> None:
    drivers = vocabulary().driver_ids
    for column, keys in OUTPUT_DRIVERS.items():
        assert column in measures(), column
        assert keys, column
        for key in keys:
            assert key in drivers, (column, key)


def test_every_driver_column_of_the_item_bank_is_mapped() -> None:
    for instrument_id in ("org_wellbeing", "admin_burden"):
        for column in load_library().get_instrument(instrument_id).outputs():
            if column.tags.driver:
                assert column.name in OUTPUT_DRIVERS, column.name


@pytest.mark.parametrize(
    ("column", "planted"),
    [
        ("org_wellbeing.documentation_time", "documentation_time_pressure"),
        ("org_wellbeing.ehr_after_hours", "ehr_time_at_home"),
        ("admin_burden.after_hours_ehr", "ehr_time_at_home"),
    ],
)
def test_the_page_ranks_first_an_intervention_on_the_planted_driver(
    cast: Cast, login: Login, column: str, planted: str
) -> None:
    unit = cast.unit(cast.alpha, CARDIOLOGY)
    response = login(cast.leader).get(
        f"/o/alpha/actions/new/?source=driver&measure={column}&unit={unit.pk}"
    )
    assert response.status_code == 200
    rows = response.context["suggestions"]
    assert rows
    top = rows[0]["s"]
    assert planted in top.intervention.primary_drivers
    # nothing ranked below it fits the driver better
    assert all(r["s"].fit <= top.fit for r in rows)
    # the evidence of each suggestion is on the page
    assert top.intervention.name in response.content.decode()
    assert (top.intervention.evidence[0].effect[:40]) in response.content.decode()
    assert response.context["form"].initial["unit"] == unit.pk


def test_a_domain_start_keeps_only_interventions_of_that_domain() -> None:
    request = suggestion_request("domain", None, "organizational_culture")
    ranked = suggestions_for(request, limit=50)
    assert ranked
    assert all("organizational_culture" in s.intervention.domains for s in ranked)


def test_an_outcome_cell_filters_by_its_measure() -> None:
    request = suggestion_request("cell", measure_info("single_item_burnout.burnout"), None)
    assert request.measure == "burnout"
    ranked = suggestions_for(request, limit=50)
    assert {s.intervention.id for s in ranked} == {
        i.id for i in find_interventions(measure="burnout")
    }


def test_an_unknown_measure_is_reported_not_a_crash(cast: Cast, login: Login) -> None:
    response = login(cast.owner).get("/o/alpha/actions/new/?source=driver&measure=nope.nope")
    assert response.status_code == 200
    assert "not an output column" in response.content.decode()
    assert response.context["suggestions"] == []


def test_the_new_plan_page_has_a_visible_level_selector(cast: Cast, login: Login) -> None:
    unit = cast.unit(cast.alpha, CARDIOLOGY)
    response = login(cast.leader).get(
        f"/o/alpha/actions/new/?source=driver&measure=org_wellbeing.ehr_after_hours&unit={unit.pk}"
    )
    assert response.status_code == 200
    body = response.content.decode()
    # a unit-scoped plan from a driver prefers the organization level by default
    assert response.context["level"] == "organization"
    assert '<label for="level-select">Level to act at</label>' in body
    assert '<option value="organization" selected>Organization</option>' in body
    assert '<option value="any">Any level</option>' in body
    # the selector's GET form keeps the starting point
    assert '<input type="hidden" name="measure" value="org_wellbeing.ehr_after_hours">' in body
    rows = response.context["suggestions"]
    assert rows[0]["s"].intervention.level == "organization"
    for row in rows:  # each suggestion shows its level
        assert f"Level: {row['level_name']}" in body
    # other levels stay listed, with a lower score
    assert any(row["s"].level_match == 0.0 for row in rows)


def test_choosing_a_level_reranks_and_any_level_turns_it_off(cast: Cast, login: Login) -> None:
    client = login(cast.leader)
    unit = cast.unit(cast.alpha, CARDIOLOGY)
    base = (
        f"/o/alpha/actions/new/?source=driver&measure=org_wellbeing.ehr_after_hours&unit={unit.pk}"
    )
    individual = client.get(base + "&level=individual").context
    top = individual["suggestions"][0]["s"]
    assert top.intervention.id == "ehr_personal_training"
    assert top.level_match == 1.0
    assert individual["level_value"] == "individual"
    anywhere = client.get(base + "&level=any").context
    assert anywhere["level"] is None
    assert all(row["s"].level_match == 1.0 for row in anywhere["suggestions"])
    # an unknown level falls back to the default instead of failing
    assert client.get(base + "&level=national").context["level"] == "organization"


def test_a_plan_started_from_nothing_prefers_no_level(cast: Cast, login: Login) -> None:
    response = login(cast.owner).get("/o/alpha/actions/new/")
    assert response.status_code == 200
    assert response.context["level"] is None
    assert '<option value="any" selected>Any level</option>' in response.content.decode()


def test_default_level_and_parsing() -> None:
    assert default_level("driver") == default_level("cell") == default_level("domain")
    assert default_level("cell") == "organization"
    assert default_level("other") is None
    assert parse_level("any", "driver") is None
    assert parse_level("leadership", "driver") == "leadership"
    assert parse_level(None, "cell") == "organization"


def test_results_links_pass_the_level() -> None:
    membership = SimpleNamespace(organization=SimpleNamespace(slug="alpha"))
    wave = SimpleNamespace(pk=7)
    url = action_url(membership, "cell", wave, measure="m.x", unit=3)  # type: ignore[arg-type]
    query = parse_qs(urlsplit(url).query)
    assert query["level"] == ["organization"]
    assert query["unit"] == ["3"]
