"""Upgrading an installation: plain responses become sealed; closed waves forget who responded."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from clinwell.web.surveys.services.sealing import Opener

BEFORE = [("surveys", "0001_initial")]
AFTER = [("surveys", "0002_sealed_responses")]


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_seals_responses_and_reduces_closed_waves() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    org = old.get_model("orgs", "Organization").objects.create(name="Old Health", slug="old")
    unit = old.get_model("orgs", "Unit").objects.create(
        organization=org, name="Clinic", full_name="Old Health/Clinic", tree_path="/1/"
    )
    person = old.get_model("orgs", "Person").objects.create(
        organization=org, email="a@old.example", unit=unit, role="nurse"
    )
    wave_model = old.get_model("surveys", "Wave")
    moment = datetime(2026, 1, 5, 12, tzinfo=UTC)
    closed = wave_model.objects.create(
        organization=org, name="Closed", opens_at=moment, closes_at=moment, status="closed"
    )
    opened = wave_model.objects.create(
        organization=org, name="Open", opens_at=moment, closes_at=moment, status="open"
    )
    response = old.get_model("surveys", "Response")
    for wave in (closed, opened):
        old.get_model("surveys", "Invitation").objects.create(
            wave=wave,
            person=person,
            token_hash=f"{wave.pk:064d}",
            unit=unit,
            role="nurse",
            status="responded",
            responded_on=date(2026, 1, 5),
        )
        response.objects.create(
            wave=wave,
            unit=unit,
            role="nurse",
            tenure_band="lt1",
            submitted_on=date(2026, 1, 5),
            answers={"who5": {"who5.1": 3}},
            scores={"who5.raw": 15},
        )
        old.get_model("surveys", "Comment").objects.create(
            wave=wave, unit=unit, question="comment", text=f"Note for {wave.name}"
        )
    closed_ids = set(response.objects.filter(wave=closed).values_list("pk", flat=True))

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    sealed = new.get_model("surveys", "Response")
    for wave_id, name in ((closed.pk, "Closed"), (opened.pk, "Open")):
        rows = list(sealed.objects.filter(wave_id=wave_id).values_list("id", "sealed"))
        (payload,) = Opener(wave_id).open_all(rows)
        assert (payload.unit_id, payload.role, payload.tenure_band) == (unit.pk, "nurse", "lt1")
        assert payload.scores == {"who5.raw": 15}
        assert payload.comment == f"Note for {name}"
    invitation = new.get_model("surveys", "Invitation")
    assert not invitation.objects.filter(wave_id=closed.pk).exists()
    assert invitation.objects.filter(wave_id=opened.pk).count() == 1  # reminders still work
    counts = new.get_model("surveys", "InvitationCount").objects.get(wave_id=closed.pk)
    assert (counts.unit_id, counts.role, counts.invited) == (unit.pk, "nurse", 1)
    assert not closed_ids & set(
        sealed.objects.filter(wave_id=closed.pk).values_list("pk", flat=True)
    )

    # Back to the latest schema, so that later migrations' tables exist for the flush.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
