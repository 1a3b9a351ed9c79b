"""The knowledge pages render from the data files, cite sources and mark what is unconfirmed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils.html import escape

from clinwell.knowledge import find_interventions, nam_plan, nasem_model, recognition_program
from clinwell.web.accounts.models import User
from tests.web.conftest import Cast

Login = Callable[[User], Client]
PAGES = ["", "nam/", "nasem/", "levels/", "interventions/", "resources/", "recognition/"]


@pytest.mark.parametrize("role", ["owner", "leader", "analyst", "executive"])
@pytest.mark.parametrize("path", PAGES)
def test_every_role_reads_every_page(cast: Cast, login: Login, role: str, path: str) -> None:
    response = login(getattr(cast, role)).get(f"/o/alpha/knowledge/{path}")
    assert response.status_code == 200


@pytest.mark.parametrize("path", PAGES)
def test_outsiders_get_404(cast: Cast, login: Login, path: str) -> None:
    assert login(cast.outsider).get(f"/o/alpha/knowledge/{path}").status_code == 404


def test_the_nam_page_lists_the_plan(cast: Cast, login: Login) -> None:
    page = login(cast.analyst).get("/o/alpha/knowledge/nam/").content.decode()
    plan = nam_plan()
    for area in plan.priority_areas:
        assert area.title in page
    for actor in plan.actors:
        assert actor.name in page
    for key in plan.actions:
        assert f'id="{key}"' in page
    assert "we could not verify this" in page or all(g.confirmed for g in plan.goals)
    assert "NOT CONFIRMED" not in page  # said in a reader's words
    assert "Sources:" in page
    assert plan.sources[0].url in page


def test_the_nasem_page_has_six_goals_and_marks_illustrative_factors(
    cast: Cast, login: Login
) -> None:
    page = login(cast.analyst).get("/o/alpha/knowledge/nasem/").content.decode()
    model = nasem_model()
    assert len(model.goals) == 6
    for goal in model.goals:
        assert goal.name in page
    assert page.count("we could not verify this") >= sum(not f.confirmed for f in model.job_demands)
    assert "NOT CONFIRMED" not in page


def test_interventions_filter_by_level_driver_domain_and_measure(cast: Cast, login: Login) -> None:
    query = "level=organization&driver=ehr_time_at_home&domain=practice_efficiency&measure=burnout"
    response = login(cast.leader).get(f"/o/alpha/knowledge/interventions/?{query}")
    expected = find_interventions(
        level="organization",
        driver="ehr_time_at_home",
        domain="practice_efficiency",
        measure="burnout",
    )
    assert expected
    assert [v["item"].id for v in response.context["views"]] == [i.id for i in expected]
    page = response.content.decode()
    assert "effort:" in page
    assert "NAM Plan" in page


def test_a_bad_filter_is_a_message_not_an_error(cast: Cast, login: Login) -> None:
    response = login(cast.leader).get("/o/alpha/knowledge/interventions/?level=galactic")
    assert response.status_code == 200
    assert "unknown level" in response.content.decode()


def test_intervention_detail(cast: Cast, login: Login) -> None:
    client = login(cast.leader)
    page = client.get("/o/alpha/knowledge/interventions/medical_scribes/").content.decode()
    assert "Start an action plan with this intervention" in page
    assert client.get("/o/alpha/knowledge/interventions/nothing_here/").status_code == 404
    viewer = login(cast.executive).get("/o/alpha/knowledge/interventions/medical_scribes/")
    assert "Start an action plan" not in viewer.content.decode()


def test_resources_default_to_the_organization_state(cast: Cast, login: Login) -> None:
    response = login(cast.analyst).get("/o/alpha/knowledge/resources/")
    assert response.context["state"] == "MA"  # Alpha Health is in Massachusetts
    scopes = {r.scope for r in response.context["resources"]}
    assert scopes <= {"national", "MA"}
    assert "MA" in scopes
    page = response.content.decode()
    assert "988" in page
    assert "we could not verify this" in page  # the MA program's contact is not confirmed
    assert "NOT CONFIRMED" not in page


def test_resources_search_by_state_and_type(cast: Cast, login: Login) -> None:
    client = login(cast.analyst)
    mn = client.get("/o/alpha/knowledge/resources/?state=MN&kind=physician_health_program")
    names = [r.name for r in mn.context["resources"]]
    assert any("Health Professionals Services Program" in n or "HPSP" in n for n in names)
    assert {r.kind for r in mn.context["resources"]} == {"physician_health_program"}
    bad = client.get("/o/alpha/knowledge/resources/?state=ZZ")
    assert bad.status_code == 200
    assert "unknown state code" in bad.content.decode()


def test_recognition_page_shows_pillars_and_level(cast: Cast, login: Login) -> None:
    page = login(cast.executive).get("/o/alpha/knowledge/recognition/").content.decode()
    for pillar in recognition_program().pillars:
        assert pillar.name in page
    assert "not reached yet" in page
    assert "we could not verify this" in page
    assert "NOT CONFIRMED" not in page
    assert "Save progress" not in page  # executives view only
    assert "disabled" in page


def test_an_intervention_without_a_nam_action_says_why(cast: Cast, login: Login) -> None:
    coaching = next(i for i in find_interventions() if i.id == "professional_coaching")
    assert coaching.nam_note
    assert not coaching.nam_actions
    page = login(cast.analyst).get("/o/alpha/knowledge/interventions/professional_coaching/")
    html = page.content.decode()
    assert escape(coaching.nam_note) in html
