"""Public releases spend the budget; releases stop when it is spent; nothing half-written."""

from __future__ import annotations

import pytest
from django.test import Client

from clinwell.consortium import BudgetExhaustedError
from clinwell.web.consortium.services.releases import (
    ReleaseRefused,
    budget_spent,
    publish_release,
)
from tests.web.consortium.conftest import PERIOD, Collaborative


def test_releases_spend_the_budget_and_stop_when_it_is_spent(
    contributed: Collaborative,
) -> None:
    role = contributed.staff_role
    first = publish_release(role, PERIOD, contributed.staff)
    assert first.epsilon == pytest.approx(1.0)
    assert first.cells.filter(withheld=False, role="all").exists()
    publish_release(role, PERIOD)
    assert budget_spent(contributed.consortium) == pytest.approx(2.0)
    cells = contributed.release_cells().count()
    with pytest.raises(BudgetExhaustedError, match="only ε = 0 of the consortium's budget"):
        publish_release(role, PERIOD)
    assert contributed.releases().count() == 2
    assert contributed.release_cells().count() == cells


def test_a_period_with_too_few_members_is_not_released(collaborative: Collaborative) -> None:
    with pytest.raises(ReleaseRefused, match="a release needs at least 5"):
        publish_release(collaborative.staff_role, PERIOD)
    assert budget_spent(collaborative.consortium) == 0


def test_the_releases_page_refuses_once_the_budget_is_spent(
    client: Client, contributed: Collaborative
) -> None:
    client.force_login(contributed.staff)
    for _ in range(2):
        assert client.post("/c/test-collab/releases/", {"period": PERIOD}).status_code == 302
    response = client.post("/c/test-collab/releases/", {"period": PERIOD})
    assert response.status_code == 200
    assert "Nothing was released" in response.content.decode()
    assert "no release was made" in response.content.decode()
    assert contributed.releases().count() == 2
