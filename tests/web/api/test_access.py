"""Tenant isolation and roles on every endpoint, for every role of the cast.

As on the web: another tenant's organization or object is a 404 (its existence is not
revealed), a role that may not use an endpoint gets a 403, a leader sees their subtree.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from clinwell.web.accounts.models import User
from clinwell.web.schedule import Scheduler
from clinwell.web.surveys.models import Wave
from tests.web.api.conftest import ROLES, ApiClient
from tests.web.conftest import Cast, make_user
from tests.web.results.conftest import Waves, add_responses, closed_wave

Api = Callable[[User], ApiClient]


def alpha_paths(wave_id: int) -> list[str]:
    return [
        "orgs/alpha",
        "orgs/alpha/units",
        "orgs/alpha/waves",
        f"orgs/alpha/waves/{wave_id}",
        f"orgs/alpha/waves/{wave_id}/results",
        f"orgs/alpha/waves/{wave_id}/comments",
        "orgs/alpha/knowledge/interventions",
        "orgs/alpha/knowledge/resources",
    ]


@pytest.fixture
def beta_wave(cast: Cast) -> Wave:
    wave = closed_wave(cast.beta, "Beta wave", 10)
    add_responses(wave, cast.unit(cast.beta, "Beta Clinic/Family Medicine"), 12, seed=5)
    return wave


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_its_own_organization(
    cast: Cast, waves: Waves, api: Api, role: str
) -> None:
    client = api(getattr(cast, role))
    for path in alpha_paths(waves.second.pk):
        expected = 403 if path.endswith("/comments") and role != "owner" else 200
        response = client.get(path)
        assert response.status_code == expected, (path, response.content)
        assert response["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize("role", ROLES)
def test_other_tenants_objects_are_404_for_every_role(
    cast: Cast, waves: Waves, beta_wave: Wave, api: Api, role: str
) -> None:
    client = api(getattr(cast, role))
    foreign_waves = [p for p in alpha_paths(beta_wave.pk) if "/waves/" in p]
    foreign_org = [p.replace("orgs/alpha", "orgs/beta") for p in alpha_paths(beta_wave.pk)]
    for path in foreign_waves + foreign_org:
        response = client.get(path)
        if path.startswith("orgs/alpha/") and path.endswith("/comments") and role != "owner":
            # The role check comes first, as on the web: 403 whatever the wave id.
            assert response.status_code == 403, path
            continue
        assert response.status_code == 404, (path, response.content)
        assert response.json()["detail"].startswith("No such")


def test_the_outsider_gets_404_for_everything_in_alpha(
    cast: Cast, waves: Waves, beta_wave: Wave, api: Api
) -> None:
    client = api(cast.outsider)
    for path in alpha_paths(waves.second.pk):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "No such organization"}
    assert client.get(f"orgs/beta/waves/{beta_wave.pk}/results").status_code == 200
    assert client.get(f"orgs/beta/waves/{waves.second.pk}/results").status_code == 404


def test_an_unknown_organization_looks_like_a_foreign_one(cast: Cast, api: Api) -> None:
    client = api(cast.owner)
    assert client.get("orgs/nowhere").json() == client.get("orgs/beta").json()


def test_my_organizations(cast: Cast, api: Api) -> None:
    orgs = api(cast.leader).items("orgs")
    assert orgs == [
        {
            "slug": "alpha",
            "name": "Alpha Health",
            "state": "MA",
            "role": "leader",
            "unit_id": cast.unit(cast.alpha, "Alpha Health/Site A/Medicine").pk,
            "unit": "Alpha Health/Site A/Medicine",
        }
    ]
    assert [o["slug"] for o in api(cast.outsider).items("orgs")] == ["beta"]
    assert api(make_user("nobody@example.org")).items("orgs") == []


def test_a_member_of_two_organizations_sees_both(cast: Cast, api: Api) -> None:
    from clinwell.web.orgs.services.organizations import grant_membership

    grant_membership(cast.analyst, cast.beta, "executive")
    orgs = api(cast.analyst).items("orgs")
    assert [(o["slug"], o["role"]) for o in orgs] == [("alpha", "analyst"), ("beta", "executive")]


def test_units_of_a_leader_are_their_subtree(cast: Cast, api: Api) -> None:
    units = api(cast.leader).items("orgs/alpha/units")
    assert [u["full_name"] for u in units] == [
        "Alpha Health/Site A/Medicine",
        "Alpha Health/Site A/Medicine/Cardiology",
    ]
    medicine, cardiology = units
    assert medicine["parent_id"] is None  # Site A is outside the leader's subtree
    assert cardiology["parent_id"] == medicine["id"]


@pytest.mark.parametrize("role", ["owner", "analyst", "executive"])
def test_units_of_org_wide_roles_are_the_whole_tree(cast: Cast, api: Api, role: str) -> None:
    units = api(getattr(cast, role)).items("orgs/alpha/units")
    names = {u["full_name"] for u in units}
    assert names == set(
        cast.alpha.units.values_list("full_name", flat=True)  # type: ignore[attr-defined]
    )
    assert not any(n.startswith("Beta") for n in names)


def test_admins_see_every_wave_and_counts_while_open(
    cast: Cast, waves: Waves, open_wave: Wave, api: Api
) -> None:
    now = timezone.now()
    draft = Wave.objects.create(
        organization=cast.alpha,
        name="Draft",
        opens_at=now + timedelta(days=30),
        closes_at=now + timedelta(days=44),
    )
    listed = api(cast.owner).items("orgs/alpha/waves")
    by_name = {w["name"]: w for w in listed}
    assert set(by_name) == {"Draft", "Open wave", "Autumn 2025", "Spring 2026"}
    assert [w["name"] for w in listed][:2] == ["Draft", "Open wave"]  # newest first
    # 2 responses so far: below the score threshold (5), so the count itself is withheld
    assert by_name["Open wave"]["counts"] == {"invited": 3, "responses": None}
    assert by_name["Open wave"]["status"] == "open"
    assert by_name["Draft"]["counts"] is None
    assert by_name["Spring 2026"]["counts"] is None  # closed: numbers go through the gate
    one = api(cast.owner).get(f"orgs/alpha/waves/{open_wave.pk}").json()
    assert one["counts"] == {"invited": 3, "responses": None}
    assert api(cast.owner).get(f"orgs/alpha/waves/{draft.pk}").status_code == 200


@pytest.mark.parametrize("role", ["leader", "analyst", "executive"])
def test_other_roles_see_closed_waves_only_and_no_counts(
    cast: Cast, waves: Waves, open_wave: Wave, api: Api, role: str
) -> None:
    client = api(getattr(cast, role))
    listed = client.items("orgs/alpha/waves")
    assert [w["name"] for w in listed] == ["Spring 2026", "Autumn 2025"]
    assert all(w["counts"] is None for w in listed)
    assert client.get(f"orgs/alpha/waves/{open_wave.pk}").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_open_waves_have_no_results(cast: Cast, open_wave: Wave, api: Api, role: str) -> None:
    client = api(getattr(cast, role))
    response = client.get(f"orgs/alpha/waves/{open_wave.pk}/results")
    assert response.status_code == 404
    assert client.get(f"orgs/alpha/waves/{open_wave.pk}/comments").status_code in (403, 404)


def test_a_wave_past_its_end_is_closed_by_the_schedule_not_by_a_read(
    cast: Cast, open_wave: Wave, api: Api
) -> None:
    Wave.objects.filter(pk=open_wave.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    assert api(cast.analyst).items("orgs/alpha/waves") == []  # a GET changes nothing
    Scheduler().tick()
    listed = api(cast.analyst).items("orgs/alpha/waves")
    assert [w["name"] for w in listed] == ["Open wave"]
    assert listed[0]["status"] == "closed"


@pytest.mark.parametrize("role", ["leader", "analyst", "executive"])
def test_only_admins_read_comments(cast: Cast, waves: Waves, api: Api, role: str) -> None:
    response = api(getattr(cast, role)).get(f"orgs/alpha/waves/{waves.second.pk}/comments")
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow this."}


def test_bad_path_values_are_422_not_500(cast: Cast, api: Api) -> None:
    client = api(cast.owner)
    assert client.get("orgs/alpha/waves/0").status_code == 422
    assert client.get(f"orgs/alpha/waves/{2**70}").status_code == 422
    assert client.get("orgs/al%20pha/waves").status_code == 422
