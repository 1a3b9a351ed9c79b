"""Member side: the contribution is built from released results only; evidence is imported."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from clinwell.consortium import EvidenceError, evidence_document, parse_contribution
from clinwell.synth.consortium import generate_consortium
from clinwell.web.accounts.models import User
from clinwell.web.actions.impact import plan_impact
from clinwell.web.actions.models import ActionPlan
from clinwell.web.consortium.models import Contribution
from clinwell.web.consortium.services.export import build_contribution
from clinwell.web.consortium.services.members import (
    add_member,
    create_consortium,
    grant_consortium_role,
)
from clinwell.web.consortium.services.sharing import (
    SharingInput,
    import_evidence,
    save_sharing_choice,
)
from clinwell.web.knowledgebase.models import MeasuredEffect
from clinwell.web.results.services.cache import results_for
from tests.web.actions.conftest import (
    CARDIOLOGY,
    PEDIATRICS,
    SURGERY,
    closed_wave,
    make_plan,
    membership,
    respond,
)
from tests.web.conftest import Cast

Login = Callable[[User], Client]
COLUMN = "org_wellbeing.documentation_time"


@pytest.fixture
def alpha(cast: Cast) -> tuple:
    """Two closed waves and a finished plan with a measured impact; Alpha shares everything."""
    first = closed_wave(
        cast.alpha, "Winter", date(2025, 1, 6), date(2025, 1, 27), ["org_wellbeing"]
    )
    second = closed_wave(
        cast.alpha, "Summer", date(2025, 6, 2), date(2025, 6, 23), ["org_wellbeing"]
    )
    units = [cast.unit(cast.alpha, p) for p in (CARDIOLOGY, SURGERY, PEDIATRICS)]
    for unit, before, after in zip(
        units,
        ([2, 3, 3, 4, 3], [3, 2, 4, 3, 3], [3, 3, 3, 3, 3]),
        ([4, 4, 5, 3, 4], [3, 4, 3, 3, 2], [4, 3, 3, 3, 3]),
        strict=True,
    ):
        respond(first, unit, COLUMN, before)
        respond(second, unit, COLUMN, after)
    plan = make_plan(
        cast,
        CARDIOLOGY,
        started_on=date(2025, 2, 15),
        status=ActionPlan.Status.DONE,
        interventions=("team_documentation",),
    )
    choice = save_sharing_choice(
        membership(cast.owner, cast.alpha),
        SharingInput("Test Collaborative", "alpha", "half_year", True, True, True),
        cast.owner,
    )
    return second, plan, choice


def test_the_contribution_holds_the_released_organization_row(cast: Cast, alpha: tuple) -> None:
    wave, plan, choice = alpha
    export = build_contribution(cast.alpha, wave, choice)
    contribution = export.contribution
    assert contribution.period == "2025-H1"
    assert contribution.member_id == "alpha"
    released = results_for(wave).cell(None)
    assert released is not None
    assert contribution.cells  # the documentation-time mean, at least
    for cell in contribution.cells:
        assert cell.role == "all"
        assert cell.specialty == "all"
        est = released.estimates[cell.measure]
        assert (cell.n, cell.estimate, cell.sd) == (est["n"], est["estimate"], est["sd"])
    impact = plan_impact(plan)
    (shared,) = contribution.impacts
    assert shared.interventions == ("team_documentation",)
    assert shared.estimate == pytest.approx(impact.did.estimate)
    assert shared.se == pytest.approx(impact.did.se)
    assert (shared.n_treated_before, shared.n_comparison_after) == (5, 10)
    assert "EHR metrics are not shared: no finished EHR run covers 2025-H1." in export.notes
    assert parse_contribution(contribution.dumps()) == contribution  # a valid file


def test_only_administrators_download_it(cast: Cast, alpha: tuple, login: Login) -> None:
    wave = alpha[0]
    for user in (cast.leader, cast.analyst, cast.executive):
        assert login(user).get(f"/o/alpha/consortium/?wave={wave.pk}").status_code == 403
    response = login(cast.owner).get(f"/o/alpha/consortium/contribution.json?wave={wave.pk}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    parsed = parse_contribution(response.content)
    assert parsed.period == "2025-H1"
    assert login(cast.outsider).get("/o/alpha/consortium/").status_code == 404


def test_the_page_previews_every_number(cast: Cast, alpha: tuple, login: Login) -> None:
    page = login(cast.owner).get("/o/alpha/consortium/").content.decode()
    assert "Period <strong>2025-H1</strong>" in page
    assert "Time for documentation" in page or COLUMN in page
    assert "Per-role rows will be added once your results are released by role" in page


def test_send_to_a_consortium_on_this_instance(cast: Cast, alpha: tuple, login: Login) -> None:
    wave = alpha[0]
    consortium = create_consortium("Test Collaborative", "test-collab")
    member, _ = add_member(consortium, "Alpha Health", "alpha", organization=cast.alpha)
    client = login(cast.owner)
    data = {"wave": wave.pk, "member": member.pk}
    assert client.post("/o/alpha/consortium/send/", data).status_code == 404  # not its rep
    grant_consortium_role(cast.owner, consortium, "member", member)
    assert client.post("/o/alpha/consortium/send/", data).status_code == 302
    stored = Contribution.objects.get(member=member)
    assert (stored.member, stored.period, stored.received_via) == (member, "2025-H1", "direct")
    assert stored.impacts.count() == 1


def _evidence_file() -> bytes:
    from clinwell.consortium import SystemImpact, pool_impacts

    synthetic = generate_consortium(6, seed=4, respondents=(30, 40), with_ehr=False)
    impacts = [SystemImpact(c.member_id, i) for c in synthetic.contributions for i in c.impacts]
    effects = pool_impacts(impacts, min_systems=3)
    return json.dumps(evidence_document("tc", "Test Collaborative", "2026-06-01", effects)).encode()


def test_imported_evidence_shows_in_the_catalog_and_ranks_suggestions(
    cast: Cast, login: Login
) -> None:
    document = _evidence_file()
    count = import_evidence(membership(cast.owner, cast.alpha), document, "evidence.json")
    assert count == MeasuredEffect.objects.filter(organization=cast.alpha).count() > 0
    effect = MeasuredEffect.objects.filter(intervention="team_documentation").first()
    assert effect is not None
    client = login(cast.analyst)
    catalog = client.get("/o/alpha/knowledge/interventions/team_documentation/").content.decode()
    assert f"Measured in {effect.systems} systems" in catalog
    page = (
        login(cast.owner)
        .get(f"/o/alpha/actions/new/?source=driver&measure={COLUMN}&rank=measured")
        .content.decode()
    )
    assert "Ordered by the improvement measured across your consortium" in page
    import re

    from clinwell.web.knowledgebase.measured import measured_benefit, measured_effects

    shown = re.findall(r'id="pick-([a-z_]+)"', page)
    effects = measured_effects(cast.alpha)
    benefits = [measured_benefit(effects.get(i, [])) for i in shown]
    assert benefits[0] > 0
    assert benefits == sorted(benefits, reverse=True)  # measured first, best first
    assert cast.beta.measured_effects.count() == 0  # another tenant sees none of it


def test_a_bad_evidence_file_changes_nothing(cast: Cast) -> None:
    owner = membership(cast.owner, cast.alpha)
    import_evidence(owner, _evidence_file(), "good.json")
    before = list(MeasuredEffect.objects.values_list("pk", flat=True))
    bad = json.loads(_evidence_file())
    bad["effects"][0]["se"] = -1
    with pytest.raises(EvidenceError, match=r"effects\[0\]\.se"):
        import_evidence(owner, json.dumps(bad).encode(), "bad.json")
    assert list(MeasuredEffect.objects.values_list("pk", flat=True)) == before
