"""Personal API tokens: the tokens page, and bearer authentication of the API."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client
from django.utils import timezone

from clinwell.web.accounts.models import User
from clinwell.web.api.models import ApiToken
from clinwell.web.api.tokens import hash_token
from tests.web.api.conftest import ApiClient
from tests.web.conftest import Cast

TOKEN_RE = re.compile(r'<code id="new-token">(cw_[A-Za-z0-9_-]+)</code>')


def create_on_page(client: Client, name: str) -> str:
    response = client.post("/api/tokens/", {"name": name}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [("/api/tokens/", 302)]  # post/redirect/get
    found = TOKEN_RE.search(response.content.decode())
    assert found is not None
    return found.group(1)


def test_the_tokens_page_needs_a_login(cast: Cast, client: Client) -> None:
    response = client.get("/api/tokens/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_token_is_shown_once_and_only_its_hash_is_stored(
    cast: Cast, login: Callable[[User], Client]
) -> None:
    client = login(cast.analyst)
    token = create_on_page(client, "BI export")
    row = ApiToken.objects.get(user=cast.analyst)
    assert row.name == "BI export"
    assert row.token_hash == hash_token(token)
    assert token.startswith(row.prefix)
    assert len(token) > 40
    stored = [str(v) for v in ApiToken.objects.filter(pk=row.pk).values().get().values()]
    assert token not in stored
    page = client.get("/api/tokens/").content.decode()
    assert token not in page
    assert row.prefix in page
    assert "BI export" in page
    assert ApiClient(token).get("orgs").status_code == 200


def test_a_token_name_is_required(cast: Cast, login: Callable[[User], Client]) -> None:
    response = login(cast.owner).post("/api/tokens/", {"name": "  "})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_a_token_stops_it(cast: Cast, login: Callable[[User], Client]) -> None:
    client = login(cast.owner)
    token = create_on_page(client, "script")
    row = ApiToken.objects.get(user=cast.owner)
    response = client.post(f"/api/tokens/{row.pk}/revoke/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revoked
    answer = ApiClient(token).get("orgs")
    assert answer.status_code == 401
    assert "revoked" in answer.json()["detail"]


def test_nobody_revokes_another_users_token(
    cast: Cast, login: Callable[[User], Client], token_for: Callable[[User], str]
) -> None:
    token = token_for(cast.owner)
    row = ApiToken.objects.get(user=cast.owner)
    response = login(cast.outsider).post(f"/api/tokens/{row.pk}/revoke/")
    assert response.status_code == 404
    row.refresh_from_db()
    assert not row.revoked
    assert ApiClient(token).get("orgs").status_code == 200


def test_revoking_needs_a_post(cast: Cast, login: Callable[[User], Client]) -> None:
    client = login(cast.owner)
    create_on_page(client, "script")
    row = ApiToken.objects.get(user=cast.owner)
    assert client.get(f"/api/tokens/{row.pk}/revoke/").status_code == 405
    row.refresh_from_db()
    assert not row.revoked


def assert_unauthorized(response: object) -> None:
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert response["Content-Type"].startswith("application/json")  # type: ignore[index]
    assert response["WWW-Authenticate"].startswith("Bearer")  # type: ignore[index]
    assert "Authorization: Bearer" in response.json()["detail"]  # type: ignore[attr-defined]


def test_no_token_is_a_401(cast: Cast) -> None:
    for path in ["orgs", "orgs/alpha", "orgs/alpha/units", "orgs/alpha/waves"]:
        assert_unauthorized(ApiClient(None).get(path))


def test_a_bad_token_is_a_401(cast: Cast, token_for: Callable[[User], str]) -> None:
    good = token_for(cast.owner)
    for bad in ["nonsense", good[:-1], good + "x", "cw_" + "A" * 43, ""]:
        assert_unauthorized(ApiClient(bad).get("orgs/alpha"))


def test_another_scheme_is_a_401(cast: Cast, token_for: Callable[[User], str]) -> None:
    token = token_for(cast.owner)
    response = Client().get("/api/v1/orgs", headers={"Authorization": f"Token {token}"})
    assert_unauthorized(response)


def test_a_session_login_does_not_open_the_api(cast: Cast, login: Callable[[User], Client]) -> None:
    assert_unauthorized(login(cast.owner).get("/api/v1/orgs"))


def test_a_deactivated_users_token_is_a_401(cast: Cast, token_for: Callable[[User], str]) -> None:
    token = token_for(cast.analyst)
    cast.analyst.is_active = False
    cast.analyst.save()
    assert_unauthorized(ApiClient(token).get("orgs"))


def test_the_day_of_last_use_is_recorded(cast: Cast, token_for: Callable[[User], str]) -> None:
    token = token_for(cast.executive)
    row = ApiToken.objects.get(user=cast.executive)
    assert row.last_used_on is None
    ApiClient(token).get("orgs")
    row.refresh_from_db()
    assert row.last_used_on == timezone.localdate()


def test_the_tokens_page_links_back_to_each_organization(
    cast: Cast, login: Callable[[User], Client]
) -> None:
    page = login(cast.analyst).get("/api/tokens/").content.decode()
    slugs = {m.organization.slug for m in cast.analyst.memberships.all()}
    assert slugs
    for slug in slugs:
        assert f'href="/o/{slug}/"' in page


def test_reloading_after_creating_a_token_creates_no_second_one(
    cast: Cast, login: Callable[[User], Client]
) -> None:
    client = login(cast.analyst)
    token = create_on_page(client, "BI export")
    again = client.get("/api/tokens/")  # what a browser reload does after the redirect
    assert token not in again.content.decode()  # shown once only
    assert ApiToken.objects.filter(user=cast.analyst).count() == 1
