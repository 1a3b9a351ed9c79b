"""The audit trail: append-only, hash-chained, verified; what the middleware records."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.test import Client

from clinwell.web.accounts.models import User
from clinwell.web.audit.models import AuditEntry, AuditHead, chain_name
from clinwell.web.audit.queries import verify_chain
from clinwell.web.audit.services import forget_organization, record
from tests.web.conftest import Cast
from tests.web.surveys.conftest import GOOD_ANSWERS, make_wave, token_for


def _org_entries(cast: Cast) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(chain=chain_name(cast.alpha.pk)).order_by("seq"))


def _three(cast: Cast) -> list[AuditEntry]:
    return [
        record("change", organization_id=cast.alpha.pk, actor=cast.owner, summary=f"step {n}")
        for n in range(3)
    ]


def test_entries_chain_and_verify(cast: Cast) -> None:
    entries = _three(cast)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash
    assert verify_chain(chain_name(cast.alpha.pk)).ok
    out = io.StringIO()
    call_command("verify_audit_trail", stdout=out)
    assert f"{chain_name(cast.alpha.pk)}: 3 entries, intact" in out.getvalue()


def test_an_update_is_refused_by_the_database(cast: Cast) -> None:
    entry = _three(cast)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(summary="nothing happened")
    assert AuditEntry.objects.get(pk=entry.pk).summary == "step 0"


def _reinsert_altered(entry: AuditEntry, **changes: object) -> None:
    """What someone with database access but not the key could do: delete and re-insert."""
    AuditEntry.objects.filter(pk=entry.pk).delete()
    for name, value in changes.items():
        setattr(entry, name, value)
    entry.save(force_insert=True)


def test_an_altered_entry_is_detected(cast: Cast) -> None:
    entries = _three(cast)
    _reinsert_altered(entries[1], actor_email="someone.else@example.org")
    report = verify_chain(chain_name(cast.alpha.pk))
    assert report.problems == ["entry 2 was altered (its hash does not match)"]
    with pytest.raises(CommandError, match="1 of 1 audit chains failed"):
        call_command("verify_audit_trail", stdout=io.StringIO())


def test_a_removed_entry_is_detected(cast: Cast) -> None:
    entries = _three(cast)
    AuditEntry.objects.filter(pk=entries[1].pk).delete()
    problems = verify_chain(chain_name(cast.alpha.pk)).problems
    assert "entries 2–2 are missing (removed)" in problems
    assert "entry 3 does not link to the entry before it" in problems


def test_a_cut_tail_is_detected_against_the_head(cast: Cast) -> None:
    entries = _three(cast)
    AuditEntry.objects.filter(pk=entries[2].pk).delete()
    problems = verify_chain(chain_name(cast.alpha.pk)).problems
    assert problems == [
        "the chain ends at entry 2 but its head records entry 3 (entries at the end were removed)"
    ]


def test_forgetting_an_organization_removes_its_chain_only(cast: Cast) -> None:
    _three(cast)
    record("change", organization_id=cast.beta.pk, actor=cast.outsider, summary="beta")
    assert forget_organization(cast.alpha.pk) == 3
    assert not AuditHead.objects.filter(chain=chain_name(cast.alpha.pk)).exists()
    assert verify_chain(chain_name(cast.beta.pk)).ok


def test_page_views_exports_and_changes_are_recorded(
    cast: Cast, login: Callable[[User], Client]
) -> None:
    client = login(cast.owner)
    assert client.get("/o/alpha/roster/?q=card").status_code == 200
    assert client.get("/o/alpha/settings/audit.csv").status_code == 200
    response = client.post(
        "/o/alpha/settings/",
        {"state": "NY", "roster_roles": "", "tenure_bands": ""},
    )
    assert response.status_code in (200, 302)
    entries = _org_entries(cast)
    assert [(e.action, e.route) for e in entries] == [
        ("view", "orgs:roster"),
        ("export", "governance:audit_export"),
        ("change", "orgs:settings"),
    ]
    assert entries[0].actor_email == cast.owner.email
    assert entries[0].detail["query"] == {"q": "card"}
    assert entries[0].ip_address == "127.0.0.1"
    assert verify_chain(chain_name(cast.alpha.pk)).ok


def test_refused_pages_are_not_recorded_as_views(
    cast: Cast, login: Callable[[User], Client]
) -> None:
    login(cast.analyst).get("/o/alpha/roster/")  # 403: analysts do not see the roster
    login(cast.outsider).get("/o/alpha/results/")  # 404: not a member
    assert _org_entries(cast) == []


def test_respondent_pages_and_submissions_are_never_recorded(cast: Cast) -> None:
    wave = make_wave(cast)
    token = token_for(wave, "card1@alpha.example")
    before = AuditEntry.objects.count()
    client = Client()
    assert client.get(f"/s/{token}/").status_code == 200
    assert client.post(f"/s/{token}/", GOOD_ANSWERS).status_code == 200
    after = list(AuditEntry.objects.all()[before:])
    assert [e for e in after if e.route in ("respond", "respond_anonymous")] == []
    assert not AuditEntry.objects.filter(path__contains=token).exists()
    assert AuditEntry.objects.count() == before


def test_the_audit_page_is_for_administrators(cast: Cast, login: Callable[[User], Client]) -> None:
    _three(cast)
    page = login(cast.owner).get("/o/alpha/settings/audit/?action=change")
    assert page.status_code == 200
    text = page.content.decode()
    assert "entries are intact" in text
    assert "step 2" in text
    assert login(cast.leader).get("/o/alpha/settings/audit/").status_code == 403
    assert login(cast.analyst).get("/o/alpha/settings/audit/").status_code == 403
    assert login(cast.outsider).get("/o/alpha/settings/audit/").status_code == 404


def test_the_export_lists_entries_with_their_hashes(
    cast: Cast, login: Callable[[User], Client]
) -> None:
    entries = _three(cast)
    response = login(cast.owner).get("/o/alpha/settings/audit.csv?action=change")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["hash"] for row in rows] == [e.hash for e in entries]
    assert rows[0]["summary"] == "step 0"


def test_a_broken_chain_shows_on_the_page(cast: Cast, login: Callable[[User], Client]) -> None:
    entries = _three(cast)
    AuditEntry.objects.filter(pk=entries[0].pk).delete()
    text = login(cast.owner).get("/o/alpha/settings/audit/").content.decode()
    assert "fails verification" in text
