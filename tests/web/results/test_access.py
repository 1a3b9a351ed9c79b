"""Who may open which results page: every role, leaders' subtree, other tenants."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from clinwell.web.accounts.models import User
from tests.web.conftest import Cast
from tests.web.results.conftest import Waves

PAGES = ["", "heatmap/", "drivers/", "trends/", "export.csv"]


def url(path: str, **query: object) -> str:
    q = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/o/alpha/results/{path}" + (f"?{q}" if q else "")


@pytest.mark.parametrize("role", ["owner", "leader", "analyst", "executive"])
@pytest.mark.parametrize("path", PAGES)
def test_every_role_opens_every_page(
    cast: Cast, waves: Waves, login: Callable[[User], Client], role: str, path: str
) -> None:
    response = login(getattr(cast, role)).get(url(path))
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["leader", "analyst", "executive"])
def test_every_role_opens_the_comments_page_only_admins_read_comments(
    cast: Cast, waves: Waves, login: Callable[[User], Client], role: str
) -> None:
    """Theme counts for every role (tests/web/results/test_comments.py); texts for admins."""
    response = login(getattr(cast, role)).get(url("comments/"))
    assert response.status_code == 200
    assert "Pediatrics note" not in response.content.decode()
    body = login(cast.owner).get(url("comments/", unit=_peds(cast))).content.decode()
    assert "Pediatrics note" in body


def _peds(cast: Cast) -> int:
    return cast.unit(cast.alpha, "Alpha Health/Site B/Pediatrics").pk


def test_other_tenants_get_404(cast: Cast, waves: Waves, login: Callable[[User], Client]) -> None:
    client = login(cast.outsider)
    for path in [*PAGES, "comments/", "report.pdf"]:
        assert client.get(url(path)).status_code == 404, path


def test_anonymous_users_are_sent_to_log_in(cast: Cast, waves: Waves, client: Client) -> None:
    response = client.get(url(""))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_leader_cannot_open_another_subtree(
    cast: Cast, waves: Waves, login: Callable[[User], Client]
) -> None:
    client = login(cast.leader)
    peds = cast.unit(cast.alpha, "Alpha Health/Site B/Pediatrics")
    beta_unit = cast.unit(cast.beta, "Beta Clinic/Family Medicine")
    cardio = cast.unit(cast.alpha, "Alpha Health/Site A/Medicine/Cardiology")
    for path in ["", "heatmap/", "drivers/", "trends/"]:
        assert client.get(url(path, unit=peds.pk)).status_code == 404, path
        assert client.get(url(path, unit=beta_unit.pk)).status_code == 404, path
        assert client.get(url(path, unit=cardio.pk)).status_code == 200, path


def test_a_leaders_pages_never_show_other_subtrees(
    cast: Cast, waves: Waves, login: Callable[[User], Client]
) -> None:
    client = login(cast.leader)
    for path in ["", "heatmap/", "drivers/", "trends/"]:
        body = client.get(url(path)).content.decode()
        assert "Pediatrics" not in body, path
        assert "Surgery" not in body, path
    csv_text = client.get(url("export.csv")).content.decode()
    assert "Pediatrics" not in csv_text
    assert "Alpha Health," not in csv_text  # no organization-wide row for a leader
    assert "Cardiology" in csv_text


def test_unknown_or_open_waves_are_not_shown(
    cast: Cast, waves: Waves, login: Callable[[User], Client]
) -> None:
    client = login(cast.owner)
    assert client.get(url("", wave=999999)).status_code == 404
    assert client.get(url("", wave="x")).status_code == 404
    waves.second.status = "open"
    waves.second.closes_at = timezone.now() + timedelta(days=3)
    waves.second.save()
    body = client.get(url("")).content.decode()
    assert "Autumn 2025" in body
    # an open wave is not shown: the page says it is still open and when results appear
    still_open = client.get(url("", wave=waves.second.pk))
    assert still_open.status_code == 200
    assert "is still open" in still_open.content.decode()
    assert "<h2>Autumn 2025" not in still_open.content.decode()  # no results of it


def test_empty_state_before_any_wave_closes(cast: Cast, login: Callable[[User], Client]) -> None:
    body = login(cast.executive).get(url("")).content.decode()
    assert "Results appear after a wave closes" in body
