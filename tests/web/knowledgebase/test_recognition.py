"""Recognition readiness progress: saved per organization, by administrators only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from clinwell.knowledge import assess_readiness, recognition_program
from clinwell.web.accounts.models import User
from clinwell.web.knowledgebase.models import RecognitionProgress
from clinwell.web.knowledgebase.services import (
    RecognitionInputError,
    recognition_state,
    save_recognition_progress,
)
from clinwell.web.orgs.models import Membership
from tests.web.conftest import Cast

Login = Callable[[User], Client]
URL = "/o/{}/knowledge/recognition/"


def _bronze() -> list[str]:
    program = recognition_program()
    return [c.id for c in program.eligibility] + [
        c.id for c in program.criteria if c.level == "bronze"
    ]


def test_admin_saves_and_the_level_is_computed(cast: Cast, login: Login) -> None:
    client = login(cast.owner)
    response = client.post(URL.format("alpha"), {"checked": _bronze()})
    assert response.status_code == 302
    state = recognition_state(cast.alpha)
    assert state.checked == frozenset(_bronze())
    assert state.readiness == assess_readiness(_bronze())
    assert state.readiness.level == "bronze"
    page = client.get(URL.format("alpha")).content.decode()
    assert "Bronze" in page
    assert "Save progress" in page


def test_progress_is_isolated_per_organization(cast: Cast, login: Login) -> None:
    login(cast.owner).post(URL.format("alpha"), {"checked": _bronze()})
    assert recognition_state(cast.beta).checked == frozenset()
    login(cast.outsider).post(URL.format("beta"), {"checked": _bronze()[:1]})
    assert recognition_state(cast.alpha).checked == frozenset(_bronze())
    assert recognition_state(cast.beta).checked == frozenset(_bronze()[:1])
    assert login(cast.outsider).post(URL.format("alpha"), {"checked": []}).status_code == 404
    assert recognition_state(cast.alpha).checked == frozenset(_bronze())


@pytest.mark.parametrize("role", ["leader", "analyst", "executive"])
def test_others_view_but_cannot_save(cast: Cast, login: Login, role: str) -> None:
    client = login(getattr(cast, role))
    assert client.get(URL.format("alpha")).status_code == 200
    assert client.post(URL.format("alpha"), {"checked": _bronze()}).status_code == 403
    assert not RecognitionProgress.objects.exists()
    member = Membership.objects.get(user=getattr(cast, role), organization=cast.alpha)
    with pytest.raises(PermissionDenied):
        save_recognition_progress(member, _bronze(), getattr(cast, role))


def test_unknown_ids_are_refused_and_nothing_is_saved(cast: Cast, login: Login) -> None:
    member = Membership.objects.get(user=cast.owner, organization=cast.alpha)
    with pytest.raises(RecognitionInputError, match="checked"):
        save_recognition_progress(member, [*_bronze(), "pillar.invented"], cast.owner)
    assert not RecognitionProgress.objects.exists()
    page = login(cast.owner).post(URL.format("alpha"), {"checked": ["nope"]}, follow=True)
    assert "not a checklist item" in page.content.decode()


def test_stale_saved_ids_are_ignored_and_reported(cast: Cast) -> None:
    RecognitionProgress.objects.create(organization=cast.alpha, checked=[*_bronze(), "old.item"])
    state = recognition_state(cast.alpha)
    assert state.stale == ("old.item",)
    assert state.readiness.level == "bronze"
