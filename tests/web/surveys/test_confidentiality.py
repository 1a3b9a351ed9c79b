"""No join path from a response to an invitation or a person: schema and stored rows."""

from __future__ import annotations

import uuid

from django.db import models
from django.test import Client

from clinwell.web.surveys.models import Comment, Invitation, Response, SubmissionReceipt, Wave
from clinwell.web.surveys.services.tokens import token_hash
from tests.web.conftest import Cast
from tests.web.surveys.conftest import GOOD_ANSWERS, token_for

IDENTIFYING = {"person", "invitation", "token", "token_hash", "email", "user", "nonce", "ip"}


def test_response_and_comment_schemas_have_no_path_to_people() -> None:
    for model in (Response, Comment):
        relations = {
            f.name: f.related_model
            for f in model._meta.get_fields()
            if f.is_relation and f.concrete
        }
        assert set(relations) <= {"wave", "unit"}, model
        names = {f.name for f in model._meta.get_fields()}
        assert not names & IDENTIFYING, model
        times = [f.name for f in model._meta.get_fields() if isinstance(f, models.DateTimeField)]
        assert times == [], f"{model.__name__} stores a precise time: {times}"
        assert isinstance(model._meta.pk, models.UUIDField)
    # and nothing points *at* a response either
    assert not [f for f in Response._meta.get_fields() if f.is_relation and f.auto_created]


def test_invitation_and_receipt_keep_only_days() -> None:
    for model in (Invitation, SubmissionReceipt):
        times = [f.name for f in model._meta.get_fields() if isinstance(f, models.DateTimeField)]
        assert times == [], model
        assert not [
            f for f in model._meta.get_fields() if f.is_relation and f.related_model is Response
        ]


def test_stored_rows_share_no_value_with_invitations(cast: Cast, wave: Wave) -> None:
    emails = ["card1@alpha.example", "card2@alpha.example", "med1@alpha.example"]
    tokens = [token_for(wave, e) for e in emails]
    for token in tokens:
        assert Client().post(f"/s/{token}/", GOOD_ANSWERS).status_code == 200
    secrets = {str(i.pk) for i in Invitation.objects.all()}
    secrets |= {i.token_hash for i in Invitation.objects.all()}
    secrets |= set(tokens) | {token_hash(t) for t in tokens} | set(emails)
    for response in Response.objects.all():
        row = " ".join(
            str(v) for v in Response.objects.filter(pk=response.pk).values().first().values()
        )
        assert not [s for s in secrets if s in row]
    # ids are random UUIDs, not a sequence that follows submission order
    ids = [r.pk for r in Response.objects.all()]
    assert all(isinstance(i, uuid.UUID) and i.version == 4 for i in ids)
    # the listing order is the random id, not the order of submission
    assert list(Response.objects.values_list("pk", flat=True)) == sorted(ids)


def test_responded_invitations_keep_the_day_only(cast: Cast, wave: Wave) -> None:
    token = token_for(wave, "card1@alpha.example")
    Client().post(f"/s/{token}/", GOOD_ANSWERS)
    invitation = Invitation.objects.get(wave=wave, person__email="card1@alpha.example")
    response = Response.objects.get()
    assert invitation.responded_on == response.submitted_on  # both a day, no clock time
    assert not hasattr(invitation.responded_on, "hour")
