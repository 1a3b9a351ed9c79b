"""Links to start an action plan appear only for members who may create one.

``actions:new`` refuses analysts and executives (``orgs.access.require_plan_editor``) and, for a
leader, any unit outside their subtree; the results pages must not offer links that end there.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from django.test import Client

from clinwell.web.accounts.models import User
from tests.web.conftest import Cast
from tests.web.results.conftest import Waves

PAGES = ["", "heatmap/", "drivers/"]
NEW_PLAN = re.compile(r'href="([^"]*/actions/new/[^"]*)"')


def plan_links(client: Client, path: str) -> list[str]:
    response = client.get(f"/o/alpha/results/{path}")
    assert response.status_code == 200, path
    return [html.unescape(m) for m in NEW_PLAN.findall(response.content.decode())]


@pytest.mark.parametrize("role", ["executive", "analyst"])
@pytest.mark.parametrize("path", PAGES)
def test_viewers_get_no_links_to_start_a_plan(
    cast: Cast, waves: Waves, login: Callable[[User], Client], role: str, path: str
) -> None:
    client = login(getattr(cast, role))
    assert plan_links(client, path) == []
    body = client.get(f"/o/alpha/results/{path}").content.decode()
    assert "/actions/new/" not in body
    assert "Start an action plan" not in body


@pytest.mark.parametrize("path", PAGES)
def test_administrators_get_links_to_start_a_plan(
    cast: Cast, waves: Waves, login: Callable[[User], Client], path: str
) -> None:
    assert plan_links(login(cast.owner), path)


@pytest.mark.parametrize("role", ["owner", "leader"])
def test_every_offered_link_opens_the_new_plan_form(
    cast: Cast, waves: Waves, login: Callable[[User], Client], role: str
) -> None:
    client = login(getattr(cast, role))
    links = {link for path in PAGES for link in plan_links(client, path)}
    assert links
    for link in sorted(links):
        assert client.get(link).status_code == 200, link


def test_executives_are_refused_by_the_action_form(
    cast: Cast, waves: Waves, login: Callable[[User], Client]
) -> None:
    """The rule the links follow: the form itself refuses an executive."""
    assert login(cast.executive).get("/o/alpha/actions/new/").status_code == 403
