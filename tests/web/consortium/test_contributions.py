"""Receiving contributions: stored whole, or refused naming the field with nothing changed."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from clinwell.consortium import ContributionError
from clinwell.web.accounts.models import User
from clinwell.web.consortium.models import Contribution, ContributionCell
from clinwell.web.consortium.services.contributions import receive_contribution
from tests.web.consortium.conftest import Collaborative, synthetic


def _document(index: int = 0) -> dict[str, object]:
    return synthetic().contributions[index].to_json()


def test_a_contribution_is_stored_whole(collaborative: Collaborative) -> None:
    original = synthetic().contributions[0]
    received = receive_contribution(collaborative.consortium, original.dumps(), via="upload")
    stored = received.contribution
    assert stored.member == collaborative.members[0]
    assert stored.period == original.period
    assert stored.cells.count() == len(original.cells)
    assert stored.impacts.count() == len(original.impacts)
    first = stored.cells.get(measure=original.cells[0].measure, role=original.cells[0].role)
    assert (first.n, first.estimate) == (original.cells[0].n, original.cells[0].estimate)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(version=2), "version: this consortium reads version 1, got 2"),
        (lambda d: d.update(period="2026"), "period: Test Collaborative pools by half-year"),
        (lambda d: d["member"].update(id="stranger"), "member.id: 'stranger' is not a member"),
        (lambda d: d["cells"][0].update(estimate=-3), "cells[0].estimate: -3 is outside"),
    ],
)
def test_bad_files_are_refused_and_change_nothing(
    collaborative: Collaborative, change: Callable[[dict[str, object]], None], expected: str
) -> None:
    document = _document()
    change(document)
    before = collaborative.counts()
    with pytest.raises(ContributionError) as caught:
        receive_contribution(
            collaborative.consortium, json.dumps(document), via="upload", source="bad.json"
        )
    assert any(str(p).startswith(expected) for p in caught.value.problems), caught.value.problems
    assert collaborative.counts() == before


def test_a_duplicate_period_is_refused(collaborative: Collaborative) -> None:
    body = synthetic().contributions[0].dumps()
    receive_contribution(collaborative.consortium, body, via="upload")
    before = collaborative.counts()
    with pytest.raises(ContributionError, match="already contributed for 2026-H1"):
        receive_contribution(collaborative.consortium, body, via="upload")
    assert collaborative.counts() == before


def test_a_member_can_only_send_its_own_file(collaborative: Collaborative) -> None:
    with pytest.raises(ContributionError, match="a member can only send its own contribution"):
        receive_contribution(
            collaborative.consortium,
            synthetic().contributions[1].dumps(),
            via="api",
            sender=collaborative.members[0],
        )
    assert collaborative.contributions().count() == 0


def _upload(client: Client, user: User, body: bytes, name: str = "c.json") -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(user)
    return client.post(
        "/c/test-collab/contribute/", {"file": SimpleUploadedFile(name, body, "application/json")}
    )


def test_the_upload_page_lists_every_problem(client: Client, collaborative: Collaborative) -> None:
    document = _document()
    document["cells"][0]["n"] = 2  # type: ignore[index]
    document["period"] = "spring"
    response = _upload(client, collaborative.rep_a, json.dumps(document).encode(), "mine.json")
    assert response.status_code == 422  # type: ignore[attr-defined]
    text = response.content.decode()  # type: ignore[attr-defined]
    assert "The file was refused; nothing was stored" in text
    assert "period: must be a year (2026) or a half-year (2026-H1)" in text
    assert "cells[0].n: must be at least 5, got 2" in text
    assert collaborative.contributions().count() == 0


def test_a_representative_uploads_its_own_members_file(
    client: Client, collaborative: Collaborative
) -> None:
    response = _upload(client, collaborative.rep_a, synthetic().contributions[0].dumps().encode())
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert collaborative.contributions().get().member == collaborative.members[0]
    response = _upload(client, collaborative.rep_a, synthetic().contributions[1].dumps().encode())
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert collaborative.contributions().count() == 1


def test_only_staff_withdraw_a_contribution(client: Client, contributed: Collaborative) -> None:
    stored = Contribution.objects.get(member=contributed.members[1])
    path = f"/c/test-collab/contributions/{stored.pk}/withdraw/"
    client.force_login(contributed.rep_b)
    assert client.post(path).status_code == 403
    client.force_login(contributed.staff)
    assert client.post(path).status_code == 302
    assert not Contribution.objects.filter(pk=stored.pk).exists()
    assert not ContributionCell.objects.filter(contribution_id=stored.pk).exists()
    # the member may now send a corrected file for the same period
    receive_contribution(
        contributed.consortium,
        synthetic().contributions[1].dumps(),
        via="api",
        sender=contributed.members[1],
    )
