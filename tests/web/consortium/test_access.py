"""Who sees what: outsiders nothing, representatives only their own member's position."""

from __future__ import annotations

import pytest
from django.test import Client

from clinwell.web.consortium.services.releases import release_period
from tests.web.consortium.conftest import PERIOD, Collaborative

PAGES = ["", "benchmarks/2026-H1/", "evidence/", "evidence.json", "contribute/"]
STAFF_PAGES = ["members/", "releases/"]


@pytest.mark.parametrize("path", PAGES + STAFF_PAGES)
def test_an_outsider_gets_404(client: Client, contributed: Collaborative, path: str) -> None:
    client.force_login(contributed.outsider)
    assert client.get(f"/c/test-collab/{path}").status_code == 404


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_a_representative_gets_403_on_staff_pages(
    client: Client, contributed: Collaborative, path: str
) -> None:
    client.force_login(contributed.rep_a)
    assert client.get(f"/c/test-collab/{path}").status_code == 403


def test_a_representative_sees_its_own_position_only(
    client: Client, contributed: Collaborative
) -> None:
    a, b = contributed.members[0], contributed.members[1]
    client.force_login(contributed.rep_a)
    page = client.get(f"/c/test-collab/benchmarks/{PERIOD}/").content.decode()
    assert f"with where <strong>{a.name}</strong> stands" in page
    assert b.name not in page
    # naming another member — or guessing one that does not exist — is the same 404
    assert client.get(f"/c/test-collab/benchmarks/{PERIOD}/?member={b.slug}").status_code == 404
    assert client.get(f"/c/test-collab/benchmarks/{PERIOD}/?member=nobody").status_code == 404
    overview = client.get("/c/test-collab/").content.decode()
    assert b.name not in overview


def test_staff_see_any_members_position(client: Client, contributed: Collaborative) -> None:
    b = contributed.members[1]
    client.force_login(contributed.staff)
    page = client.get(f"/c/test-collab/benchmarks/{PERIOD}/?member={b.slug}")
    assert page.status_code == 200
    assert f"with where <strong>{b.name}</strong> stands" in page.content.decode()


def test_the_position_column_holds_the_representatives_own_values(
    client: Client, contributed: Collaborative
) -> None:
    """Every value in the "your system" column is A's own released value, in table order."""
    import re

    from clinwell.consortium import pooled_measures
    from clinwell.web.consortium.presenters import GROUPS, fmt
    from clinwell.web.consortium.services.pooling import period_benchmarks

    a = contributed.members[0].slug
    cells = [
        c
        for c in period_benchmarks(contributed.consortium, PERIOD)
        if c.role == "all" and not c.withheld and a in c.values
    ]
    order = {key: i for i, (key, _, _) in enumerate(GROUPS)}
    known = pooled_measures()
    cells.sort(key=lambda c: order[known[c.measure].group])  # the page's group order
    client.force_login(contributed.rep_a)
    page = client.get(f"/c/test-collab/benchmarks/{PERIOD}/").content.decode()
    shown = re.findall(r'<span class="you">([^<]+)</span>', page)
    assert shown == [fmt(known[c.measure], c.values[a]) for c in cells]


def test_the_public_report_needs_no_login(client: Client, contributed: Collaborative) -> None:
    release = release_period(contributed.consortium, PERIOD)
    response = client.get(f"/c/test-collab/report/{release.number}/")
    assert response.status_code == 200
    assert "Burnout" in response.content.decode()
    assert client.get("/c/test-collab/report/").status_code == 302
    assert client.get("/c/test-collab/report/99/").status_code == 404
    assert client.get("/c/nope/report/1/").status_code == 404


def test_home_leads_consortium_staff_to_their_consortium(
    client: Client, collaborative: Collaborative
) -> None:
    client.force_login(collaborative.staff)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/c/test-collab/"


def test_the_period_picker_is_a_plain_form_that_redirects(
    client: Client, contributed: Collaborative
) -> None:
    """The picker works without script (the CSP forbids inline handlers): a GET with
    ``period`` goes to that period's page, keeping the other choices; an unknown one is 404."""
    from clinwell.web.consortium.services.contributions import receive_contribution
    from tests.web.consortium.conftest import synthetic

    earlier = synthetic(period="2025-H2")
    for contribution, member in zip(earlier.contributions, contributed.members, strict=True):
        receive_contribution(contributed.consortium, contribution.dumps(), via="api", sender=member)
    client.force_login(contributed.rep_a)
    page = client.get(f"/c/test-collab/benchmarks/{PERIOD}/").content.decode()
    assert "onchange" not in page
    assert '<option value="2025-H2">2025-H2</option>' in page
    moved = client.get(f"/c/test-collab/benchmarks/{PERIOD}/", {"period": "2025-H2", "role": "all"})
    assert moved.status_code == 302
    assert moved["Location"] == "/c/test-collab/benchmarks/2025-H2/?role=all"
    same = client.get(f"/c/test-collab/benchmarks/{PERIOD}/", {"period": PERIOD})
    assert same.status_code == 200
    assert (
        client.get(f"/c/test-collab/benchmarks/{PERIOD}/", {"period": "1999-H1"}).status_code == 404
    )
