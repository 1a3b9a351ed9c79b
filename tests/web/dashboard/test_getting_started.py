"""The "Getting started" list ticks each step from the real state, step 4 included."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from clinwell.web.accounts.models import User
from tests.web.actions.conftest import make_plan
from tests.web.conftest import Cast
from tests.web.results.conftest import closed_wave
from tests.web.surveys.conftest import make_wave

pytestmark = pytest.mark.django_db


def _done(client: Client) -> list[str]:
    page = client.get("/o/alpha/").content.decode()
    steps = page.split('<ol class="checklist">', 1)[1].split("</ol>", 1)[0]
    return [
        re.search(r"<strong>(.*?)</strong>", item).group(1)  # type: ignore[union-attr]
        for item in steps.split("<li")[1:]
        if item.startswith(' class="done"')
    ]


def test_each_step_is_ticked_when_it_is_really_done(
    cast: Cast, login: Callable[[User], Client]
) -> None:
    client = login(cast.owner)
    assert _done(client) == ["Set up your unit tree.", "Import your roster."]
    make_wave(cast, launch=False, name="Draft")
    assert "Run a survey wave." not in _done(client)  # a draft is not a run wave
    make_wave(cast, name="Open")
    assert "Run a survey wave." in _done(client)
    closed_wave(cast.alpha, "Closed", 10)
    assert "Read the results and act." not in _done(client)  # results, but no plan yet
    make_plan(cast, "Alpha Health/Site A/Medicine", started_on=date(2026, 1, 5))
    assert _done(client) == [
        "Set up your unit tree.",
        "Import your roster.",
        "Run a survey wave.",
        "Read the results and act.",
    ]
