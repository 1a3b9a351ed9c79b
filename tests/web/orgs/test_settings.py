"""An administrator edits the roster roles and tenure bands; data in use is never orphaned."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clinwell.web.accounts.models import User
from clinwell.web.orgs.models import Organization, Person
from clinwell.web.orgs.services.choices import (
    ROSTER_ROLES,
    TENURE_BANDS,
    ChoiceListError,
    format_choices,
    parse_choices,
)
from clinwell.web.orgs.services.organizations import update_organization_settings
from clinwell.web.orgs.services.roster import import_roster
from clinwell.web.orgs.services.tabular import ImportValidationError
from tests.web.conftest import Cast

Login = Callable[[User], Client]
SETTINGS = reverse("orgs:settings", kwargs={"org_slug": "alpha"})
# Alpha's roster (tests/web/conftest.py) uses physician, nurse, app and resident; not 'other'.
ROLES_WITHOUT_OTHER = "physician\napp\nnurse\nresident\npharmacist: Pharmacist"


def post_settings(client: Client, **fields: str) -> Any:
    data = {"state": "MA", "roster_roles": format_choices(alpha().roster_roles)}
    data["tenure_bands"] = format_choices(alpha().tenure_bands)
    data.update(fields)
    return client.post(SETTINGS, data)


def alpha() -> Organization:
    return Organization.objects.get(slug="alpha")


def roster_csv(role: str) -> io.BytesIO:
    return io.BytesIO(f"email,unit,role\nrx@alpha.example,Alpha Health/Site A,{role}\n".encode())


def test_the_settings_page_shows_the_current_lists_in_the_form(cast: Cast, login: Login) -> None:
    page = login(cast.owner).get(SETTINGS).content.decode()
    assert '<textarea name="roster_roles"' in page
    assert "app: Advanced practice provider (APP)" in page
    assert "1to5: 1–5 years" in page
    assert "Resident / fellow (<code>resident</code>)" in page  # the list as read


def test_an_admin_changes_the_roles_and_the_roster_import_follows(cast: Cast, login: Login) -> None:
    response = post_settings(login(cast.owner), roster_roles=ROLES_WITHOUT_OTHER)
    assert response.status_code == 302
    org = alpha()
    assert org.role_keys() == ["physician", "app", "nurse", "resident", "pharmacist"]
    assert org.role_label("app") == "Advanced practice provider (APP)"  # kept by key
    report = import_roster(org, "roster.csv", roster_csv("Pharmacist"))
    assert report.created == 1
    assert cast.person("rx@alpha.example").role == "pharmacist"
    with pytest.raises(ImportValidationError) as caught:
        import_roster(org, "roster.csv", roster_csv("other"))
    ((row, column, message),) = [(e.row, e.column, e.message) for e in caught.value.errors]
    assert (row, column) == (2, "role")
    assert "pharmacist" in message


def test_a_comma_separated_list_and_relabelling_keep_the_keys(cast: Cast, login: Login) -> None:
    post_settings(
        login(cast.owner),
        roster_roles="Physician, APP, nurse: Registered nurse, Resident / fellow, other",
        tenure_bands="lt1, 1to5, 6to10, 11to20, gt20: Over 20 years",
    )
    org = alpha()
    assert org.role_keys() == ["physician", "app", "nurse", "resident", "other"]
    assert org.role_label("nurse") == "Registered nurse"
    assert org.tenure_label("gt20") == "Over 20 years"
    assert cast.person("card2@alpha.example").role == "nurse"  # nobody moved


def test_removing_a_role_people_still_have_is_refused_with_the_count(
    cast: Cast, login: Login
) -> None:
    before = alpha().roster_roles
    page = post_settings(login(cast.owner), roster_roles="physician\napp\nresident\nother")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Cannot remove the role &#x27;Nurse&#x27; (nurse): 1 person on the roster has it" in (
        text
    )
    assert alpha().roster_roles == before  # nothing changed
    Person.objects.filter(email="peds1@alpha.example").update(active=False)
    with pytest.raises(ChoiceListError) as caught:
        update_organization_settings(
            alpha(),
            state="MA",
            allow_nonresponder_export=False,
            roster_roles=[{"key": "physician", "label": "Physician"}],
        )
    problems = caught.value.errors["roster_roles"]
    assert len(problems) == 3  # app, nurse, resident; 'other' is unused and may go
    assert any("(resident): 1 person on the roster (1 of them inactive)" in p for p in problems)


def test_removing_a_role_or_tenure_band_survey_records_hold_is_refused(cast: Cast) -> None:
    from clinwell.web.surveys.models import Wave
    from tests.web.sealed import payload, store

    now = timezone.now()
    wave = Wave.objects.create(
        organization=cast.alpha, name="W", opens_at=now, closes_at=now + dt.timedelta(days=9)
    )
    unit = cast.unit(cast.alpha, "Alpha Health/Site A")
    store(wave, [payload(unit, role="other", tenure_band="11to20")])
    roles = [r for r in cast.alpha.roster_roles if r["key"] != "other"]
    bands = [t for t in cast.alpha.tenure_bands if t["key"] != "11to20"]
    with pytest.raises(ChoiceListError) as caught:
        update_organization_settings(
            cast.alpha,
            state="MA",
            allow_nonresponder_export=False,
            roster_roles=roles,
            tenure_bands=bands,
        )
    (role_problem,) = caught.value.errors["roster_roles"]
    assert "'Other' (other): survey responses of 1 wave record it" in role_problem
    assert "keep its key" in role_problem
    (band_problem,) = caught.value.errors["tenure_bands"]
    assert "tenure band '11–20 years' (11to20)" in band_problem
    assert alpha().role_keys() == ["physician", "app", "nurse", "resident", "other"]


def test_removing_an_unused_role_is_allowed(cast: Cast) -> None:
    roles = [r for r in cast.alpha.roster_roles if r["key"] != "other"]
    update_organization_settings(
        cast.alpha, state="MA", allow_nonresponder_export=False, roster_roles=roles
    )
    assert "other" not in alpha().role_keys()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "List at least one role."),
        ("  \n ", "List at least one role."),
        ("physician, , nurse", "Entry 2 is blank"),
        ("physician\n\nnurse", "Entry 2 is blank"),
        ("Nurse, nurse", "'nurse' appears more than once"),
        ("rn: Nurse\nnurse: NURSE", "'nurse' appears more than once"),
        ("a: Nurse\nnurse: Registered nurse", "'nurse' appears more than once"),
        ("Bad key!: Label", "is not a valid key"),
        ("nurse:", "has no label"),
        ("–", "needs a key"),
        (f"{'k' * 41}: Long key", "longer than 40 characters"),
        (f"nurse: {'x' * 101}", "longer than 100 characters"),
        (", ".join(f"r{i}" for i in range(51)), "At most 50 roles"),
    ],
)
def test_the_role_list_is_validated(text: str, expected: str) -> None:
    with pytest.raises(ChoiceListError) as caught:
        parse_choices(text, ROSTER_ROLES)
    assert any(expected in p for p in caught.value.errors["roster_roles"]), caught.value.errors


def test_a_bad_list_is_shown_on_the_form_and_nothing_is_saved(cast: Cast, login: Login) -> None:
    page = post_settings(login(cast.owner), state="MN", tenure_bands="lt1\nLT1")
    assert page.status_code == 200
    assert "&#x27;lt1&#x27; appears more than once" in page.content.decode()
    assert alpha().state == "MA"


def test_the_service_checks_lists_whatever_the_caller_parsed(cast: Cast) -> None:
    with pytest.raises(ChoiceListError) as caught:
        update_organization_settings(
            cast.alpha,
            state="MA",
            allow_nonresponder_export=False,
            tenure_bands=[{"key": "A B", "label": "x"}, {"key": "c", "label": " "}],
        )
    assert len(caught.value.errors["tenure_bands"]) == 2
    assert parse_choices("lt1\n6to10", TENURE_BANDS, cast.alpha.tenure_bands)[1] == {
        "key": "6to10",
        "label": "6–10 years",
    }


@pytest.mark.parametrize("who", ["leader", "analyst", "executive", "outsider"])
def test_only_an_admin_of_the_organization_may_change_the_lists(
    cast: Cast, login: Login, who: str
) -> None:
    before = alpha().roster_roles
    client = login(getattr(cast, who))
    response = client.post(SETTINGS, {"state": "MA", "roster_roles": "physician: Doctor"})
    assert response.status_code in {403, 404}
    assert alpha().roster_roles == before
