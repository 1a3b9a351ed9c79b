"""Every role is refused other tenants' data and (leaders) other subtrees' data."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.web.conftest import Cast

ROLES = ["owner", "leader", "analyst", "executive"]


@pytest.mark.parametrize("role", ROLES)
def test_no_role_can_open_another_organization(cast: Cast, login, role: str) -> None:
    client = login(getattr(cast, role))
    beta_unit = cast.unit(cast.beta, "Beta Clinic/Family Medicine")
    for url in (
        reverse("dashboard:overview", kwargs={"org_slug": "beta"}),
        reverse("orgs:units", kwargs={"org_slug": "beta"}),
        reverse("orgs:unit", kwargs={"org_slug": "beta", "unit_id": beta_unit.pk}),
        reverse("orgs:roster", kwargs={"org_slug": "beta"}),
        reverse("orgs:settings", kwargs={"org_slug": "beta"}),
        reverse("surveys:index", kwargs={"org_slug": "beta"}),
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", ROLES)
def test_no_role_can_reach_another_tenants_unit_through_its_own_organization(
    cast: Cast, login, role: str
) -> None:
    client = login(getattr(cast, role))
    beta_unit = cast.unit(cast.beta, "Beta Clinic/Family Medicine")
    url = reverse("orgs:unit", kwargs={"org_slug": "alpha", "unit_id": beta_unit.pk})
    assert client.get(url).status_code == 404


def test_leader_is_refused_units_outside_their_subtree(cast: Cast, login) -> None:
    client = login(cast.leader)
    for path in ("Alpha Health/Site A/Surgery", "Alpha Health/Site B/Pediatrics", "Alpha Health"):
        unit = cast.unit(cast.alpha, path)
        url = reverse("orgs:unit", kwargs={"org_slug": "alpha", "unit_id": unit.pk})
        assert client.get(url).status_code == 404, path


def test_leader_sees_their_own_subtree(cast: Cast, login) -> None:
    client = login(cast.leader)
    cardiology = cast.unit(cast.alpha, "Alpha Health/Site A/Medicine/Cardiology")
    url = reverse("orgs:unit", kwargs={"org_slug": "alpha", "unit_id": cardiology.pk})
    assert client.get(url).status_code == 200
    tree = client.get(reverse("orgs:units", kwargs={"org_slug": "alpha"})).content.decode()
    assert "Cardiology" in tree
    assert "Surgery" not in tree
    assert "Pediatrics" not in tree


def test_leader_roster_covers_only_their_subtree(cast: Cast, login) -> None:
    client = login(cast.leader)
    page = client.get(reverse("orgs:roster", kwargs={"org_slug": "alpha"})).content.decode()
    assert "card1@alpha.example" in page
    assert "med1@alpha.example" in page
    assert "surg1@alpha.example" not in page
    assert "peds1@alpha.example" not in page


@pytest.mark.parametrize("role", ["analyst", "executive"])
def test_roster_and_settings_are_refused_to_non_admin_roles(cast: Cast, login, role: str) -> None:
    client = login(getattr(cast, role))
    for name in ("orgs:roster", "orgs:settings", "orgs:import_roster", "orgs:import_units"):
        assert client.get(reverse(name, kwargs={"org_slug": "alpha"})).status_code == 403, name


def test_leader_cannot_import_or_open_settings(cast: Cast, login) -> None:
    client = login(cast.leader)
    for name in ("orgs:settings", "orgs:import_roster", "orgs:import_units"):
        assert client.get(reverse(name, kwargs={"org_slug": "alpha"})).status_code == 403, name


def test_anonymous_visitors_are_sent_to_log_in(client, cast: Cast) -> None:
    response = client.get(reverse("dashboard:overview", kwargs={"org_slug": "alpha"}))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_admin_sees_the_whole_tree_and_roster(cast: Cast, login) -> None:
    client = login(cast.owner)
    tree = client.get(reverse("orgs:units", kwargs={"org_slug": "alpha"})).content.decode()
    for name in ("Cardiology", "Surgery", "Pediatrics"):
        assert name in tree
    roster = client.get(reverse("orgs:roster", kwargs={"org_slug": "alpha"})).content.decode()
    assert "peds1@alpha.example" in roster
    assert "fm1@beta.example" not in roster


def test_an_admin_turns_on_the_non_responder_export_and_sets_the_state(cast: Cast, login) -> None:
    from clinwell.web.orgs.models import Organization

    client = login(cast.owner)
    url = reverse("orgs:settings", kwargs={"org_slug": "alpha"})
    page = client.post(url, {"state": "mn", "allow_nonresponder_export": "on"}, follow=True)
    assert "Settings saved." in page.content.decode()
    alpha = Organization.objects.get(slug="alpha")
    assert (alpha.state, alpha.allow_nonresponder_export) == ("MN", True)
    bad = client.post(url, {"state": "Minnesota"})
    assert "Enter a two-letter state code" in bad.content.decode()
    assert Organization.objects.get(slug="alpha").state == "MN"  # nothing changed
    client.post(url, {"state": "MN"})  # an unticked box turns the export off again
    assert Organization.objects.get(slug="alpha").allow_nonresponder_export is False
