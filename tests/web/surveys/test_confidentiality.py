"""No join path from a response to an invitation or a person: schema, stored rows, closing."""

from __future__ import annotations

import io
import uuid

import pytest
from django.db import connection, models
from django.test import Client

from clinwell.web.surveys.models import (
    Invitation,
    InvitationCount,
    Response,
    SubmissionReceipt,
    Wave,
)
from clinwell.web.surveys.services.lifecycle import close_wave
from clinwell.web.surveys.services.sealing import Opener, SealError
from clinwell.web.surveys.services.tokens import token_hash
from tests.web.conftest import Cast
from tests.web.sealed import opened
from tests.web.surveys.conftest import GOOD_ANSWERS, token_for

EMAILS = ["card1@alpha.example", "card2@alpha.example", "med1@alpha.example"]


def test_a_response_row_is_an_id_a_wave_and_a_sealed_blob() -> None:
    columns = {f.name for f in Response._meta.concrete_fields}
    assert columns == {"id", "wave", "sealed"}
    assert isinstance(Response._meta.pk, models.UUIDField)
    # and nothing points *at* a response either
    assert not [f for f in Response._meta.get_fields() if f.is_relation and f.auto_created]


def test_invitation_and_receipt_keep_only_days() -> None:
    for model in (Invitation, SubmissionReceipt):
        times = [f.name for f in model._meta.get_fields() if isinstance(f, models.DateTimeField)]
        assert times == [], model
        assert not [
            f for f in model._meta.get_fields() if f.is_relation and f.related_model is Response
        ]


def _raw_rows() -> list[bytes]:
    table = connection.ops.quote_name(Response._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        return [
            b"|".join(
                bytes(v) if isinstance(v, memoryview | bytes) else str(v).encode() for v in row
            )
            for row in cursor.fetchall()
        ]


def test_stored_rows_show_nothing_of_the_answers_or_the_invitation(cast: Cast, wave: Wave) -> None:
    tokens = [token_for(wave, e) for e in EMAILS]
    for token in tokens:
        assert Client().post(f"/s/{token}/", GOOD_ANSWERS).status_code == 200
    secrets = {str(i.pk) for i in Invitation.objects.all()}
    secrets |= {i.token_hash for i in Invitation.objects.all()}
    secrets |= set(tokens) | {token_hash(t) for t in tokens} | set(EMAILS)
    readable = secrets | {"More protected admin time", "physician", "nurse", "single_item"}
    for row in _raw_rows():
        assert not [s for s in readable if s.encode() in row]
    # ... while the results computation opens them with the server's key
    payloads = opened(wave)
    assert sorted(p.role for p in payloads) == ["app", "nurse", "physician"]
    assert {p.comment for p in payloads} == {GOOD_ANSWERS["comment"]}
    ids = [r.pk for r in Response.objects.all()]
    assert all(isinstance(i, uuid.UUID) and i.version == 4 for i in ids)
    assert list(Response.objects.values_list("pk", flat=True)) == sorted(ids)


def test_a_sealed_response_cannot_move_to_another_wave(cast: Cast, wave: Wave) -> None:
    Client().post(f"/s/{token_for(wave, EMAILS[0])}/", GOOD_ANSWERS)
    row = Response.objects.get()
    other = Wave.objects.create(
        organization=cast.alpha, name="Other", opens_at=wave.opens_at, closes_at=wave.closes_at
    )
    with pytest.raises(SealError, match=f"wave {other.pk}"):
        Opener(other.pk).open(row.pk, row.sealed)


def test_closing_forgets_who_responded_and_reseals_in_a_new_order(cast: Cast, wave: Wave) -> None:
    for email in EMAILS:
        Client().post(f"/s/{token_for(wave, email)}/", GOOD_ANSWERS)
    before_ids = set(Response.objects.values_list("pk", flat=True))
    before_blobs = {bytes(b) for b in Response.objects.values_list("sealed", flat=True)}
    before = sorted((p.unit_id, p.role, p.comment) for p in opened(wave))
    invited = Invitation.objects.filter(wave=wave).count()

    assert close_wave(wave)

    assert not Invitation.objects.filter(wave=wave).exists()
    assert not SubmissionReceipt.objects.filter(wave=wave).exists()
    assert sum(InvitationCount.objects.filter(wave=wave).values_list("invited", flat=True)) == (
        invited
    )
    assert not before_ids & set(Response.objects.values_list("pk", flat=True))
    assert not before_blobs & {bytes(b) for b in Response.objects.values_list("sealed", flat=True)}
    assert sorted((p.unit_id, p.role, p.comment) for p in opened(wave)) == before
    assert not close_wave(wave)  # closing twice changes nothing


def test_rotating_the_key_with_a_fallback_and_resealing(cast: Cast, wave: Wave, settings) -> None:
    from django.core.management import call_command

    Client().post(f"/s/{token_for(wave, EMAILS[0])}/", GOOD_ANSWERS)
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-" + "x" * 40
    with pytest.raises(SealError, match="SECRET_KEY_FALLBACKS"):
        opened(wave)  # the old seals do not open with the new key alone
    settings.SECRET_KEY_FALLBACKS = [old]
    assert [p.comment for p in opened(wave)] == [GOOD_ANSWERS["comment"]]
    call_command("reseal_responses", stdout=io.StringIO())
    settings.SECRET_KEY_FALLBACKS = []
    assert [p.comment for p in opened(wave)] == [GOOD_ANSWERS["comment"]]
