"""Plan permissions by role: create, edit and view; subtree and tenant isolation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.http import Http404
from django.test import Client

from clinwell.web.accounts.models import User
from clinwell.web.actions.access import visible_plans
from clinwell.web.actions.models import ActionPlan
from clinwell.web.actions.services import PlanError, PlanInput, create_plan, update_plan
from tests.web.actions.conftest import CARDIOLOGY, MEDICINE, SURGERY, membership
from tests.web.conftest import Cast

Login = Callable[[User], Client]


def _form(cast: Cast, path: str, **extra: str) -> dict[str, str]:
    data = {
        "title": "Protected documentation time",
        "unit": str(cast.unit(cast.alpha, path).pk),
        "owner": str(cast.leader.pk),
        "target_measure": "org_wellbeing.documentation_time",
        "target_value": "3.5",
        "due_on": "2030-06-30",
        "status": "proposed",
        "interventions": "medical_scribes",
        "source": "driver",
        "source_domain": "practice_efficiency",
    }
    data.update(extra)
    return data


def test_admin_creates_a_plan_anywhere(cast: Cast, login: Login) -> None:
    response = login(cast.owner).post("/o/alpha/actions/new/", _form(cast, SURGERY))
    plan = ActionPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/o/alpha/actions/{plan.pk}/"
    assert plan.unit.full_name == SURGERY
    assert plan.interventions == ["medical_scribes"]
    assert plan.nam_actions  # taken from the intervention when none are chosen
    assert plan.created_by == cast.owner


def test_leader_creates_plans_only_in_their_subtree(cast: Cast, login: Login) -> None:
    client = login(cast.leader)
    assert client.post("/o/alpha/actions/new/", _form(cast, CARDIOLOGY)).status_code == 302
    refused = client.post("/o/alpha/actions/new/", _form(cast, SURGERY, title="Elsewhere"))
    assert refused.status_code == 200  # the unit is not among the choices
    assert "unit" in refused.context["form"].errors
    assert list(ActionPlan.objects.values_list("unit__full_name", flat=True)) == [CARDIOLOGY]
    surgery = cast.unit(cast.alpha, SURGERY)
    assert client.get(f"/o/alpha/actions/new/?unit={surgery.pk}").status_code == 404


def test_the_service_refuses_a_leader_outside_the_subtree(cast: Cast) -> None:
    data = PlanInput(
        title="x",
        unit_id=cast.unit(cast.alpha, SURGERY).pk,
        owner_id=None,
        target_measure="org_wellbeing.documentation_time",
    )
    with pytest.raises(Http404):
        create_plan(membership(cast.leader, cast.alpha), data, created_by=cast.leader)
    assert not ActionPlan.objects.exists()


@pytest.mark.parametrize("role", ["analyst", "executive"])
def test_viewers_cannot_create_or_change(
    cast: Cast, login: Login, plans: dict[str, ActionPlan], role: str
) -> None:
    client = login(getattr(cast, role))
    plan = plans["cardiology"]
    assert client.get("/o/alpha/actions/new/").status_code == 403
    assert client.post("/o/alpha/actions/new/", _form(cast, CARDIOLOGY)).status_code == 403
    assert client.get(f"/o/alpha/actions/{plan.pk}/").status_code == 200
    assert client.get(f"/o/alpha/actions/{plan.pk}/edit/").status_code == 403
    status = client.post(f"/o/alpha/actions/{plan.pk}/status/", {"status": "done"})
    assert status.status_code == 403
    plan.refresh_from_db()
    assert plan.status == "proposed"
    listing = client.get("/o/alpha/actions/")
    assert {r["plan"].pk for r in listing.context["rows"]} == {p.pk for p in plans.values()}
    assert b"New action plan" not in listing.content


def test_leader_sees_and_edits_only_plans_in_their_subtree(
    cast: Cast, login: Login, plans: dict[str, ActionPlan]
) -> None:
    client = login(cast.leader)
    mine, theirs = plans["cardiology"], plans["surgery"]
    listing = client.get("/o/alpha/actions/")
    assert [r["plan"].pk for r in listing.context["rows"]] == [mine.pk]
    assert client.get(f"/o/alpha/actions/{theirs.pk}/").status_code == 404
    assert client.get(f"/o/alpha/actions/{theirs.pk}/edit/").status_code == 404
    assert (
        client.post(f"/o/alpha/actions/{theirs.pk}/status/", {"status": "done"}).status_code == 404
    )
    ok = client.post(f"/o/alpha/actions/{mine.pk}/status/", {"status": "in_progress"})
    assert ok.status_code == 302
    mine.refresh_from_db()
    assert mine.status == "in_progress"
    edited = client.post(f"/o/alpha/actions/{mine.pk}/edit/", _form(cast, MEDICINE, title="New"))
    assert edited.status_code == 302
    mine.refresh_from_db()
    assert (mine.title, mine.unit.full_name) == ("New", MEDICINE)
    moved = client.post(f"/o/alpha/actions/{mine.pk}/edit/", _form(cast, SURGERY))
    assert moved.status_code == 200
    mine.refresh_from_db()
    assert mine.unit.full_name == MEDICINE


def test_milestones_are_added_and_ticked_by_editors_only(
    cast: Cast, login: Login, plans: dict[str, ActionPlan]
) -> None:
    plan = plans["cardiology"]
    leader = login(cast.leader)
    leader.post(f"/o/alpha/actions/{plan.pk}/milestones/", {"title": "Hire scribes"})
    milestone = plan.milestones.get()
    leader.post(f"/o/alpha/actions/{plan.pk}/milestones/{milestone.pk}/done/", {"done": "true"})
    milestone.refresh_from_db()
    assert milestone.done
    assert milestone.done_on is not None
    analyst = login(cast.analyst)
    url = f"/o/alpha/actions/{plan.pk}/milestones/{milestone.pk}/done/"
    assert analyst.post(url, {"done": "false"}).status_code == 403


def test_other_tenants_get_404(cast: Cast, login: Login, plans: dict[str, ActionPlan]) -> None:
    client = login(cast.outsider)
    plan = plans["cardiology"]
    assert client.get("/o/alpha/actions/").status_code == 404
    assert client.get(f"/o/alpha/actions/{plan.pk}/").status_code == 404
    assert client.get(f"/o/beta/actions/{plan.pk}/").status_code == 404
    assert client.post(f"/o/beta/actions/{plan.pk}/status/", {"status": "done"}).status_code == 404
    assert client.get("/o/beta/actions/").context["rows"] == []


def test_the_owner_must_be_a_member(cast: Cast, plans: dict[str, ActionPlan]) -> None:
    plan = plans["cardiology"]
    data = PlanInput(
        title="x",
        unit_id=plan.unit_id,
        owner_id=cast.outsider.pk,
        target_measure="org_wellbeing.documentation_time",
    )
    with pytest.raises(PlanError, match="member") as excinfo:
        update_plan(membership(cast.owner, cast.alpha), plan, data)
    assert excinfo.value.field == "owner"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("target_measure", "org_wellbeing.nonexistent"),
        ("interventions", ("not_an_intervention",)),
        ("nam_actions", ("PA9-G9-9Z",)),
        ("actor_groups", ("astronauts",)),
    ],
)
def test_bad_knowledge_keys_are_refused_by_field(
    cast: Cast, plans: dict[str, ActionPlan], field: str, value: object
) -> None:
    fields = {
        "title": "x",
        "unit_id": plans["cardiology"].unit_id,
        "owner_id": None,
        "target_measure": "org_wellbeing.documentation_time",
        field: value,
    }
    with pytest.raises(PlanError) as excinfo:
        create_plan(membership(cast.owner, cast.alpha), PlanInput(**fields), created_by=cast.owner)
    assert excinfo.value.field == field
    assert ActionPlan.objects.count() == 2


def test_visible_plans_follow_the_unit_scope(cast: Cast, plans: dict[str, ActionPlan]) -> None:
    assert set(visible_plans(membership(cast.owner, cast.alpha))) == set(plans.values())
    assert list(visible_plans(membership(cast.leader, cast.alpha))) == [plans["cardiology"]]
    assert not visible_plans(membership(cast.outsider, cast.beta)).exists()


def test_a_share_target_outside_zero_to_one_is_refused_with_how_to_write_it(
    cast: Cast, login: Login
) -> None:
    client = login(cast.owner)
    form = _form(cast, SURGERY, target_measure="single_item_burnout.burnout", target_value="35")
    refused = client.post("/o/alpha/actions/new/", form)
    assert refused.status_code == 200
    assert "enter it between 0 and 1 (e.g. 0.35 for 35%)" in refused.content.decode()
    assert not ActionPlan.objects.exists()
    form["target_value"] = "0.35"
    assert client.post("/o/alpha/actions/new/", form).status_code == 302
