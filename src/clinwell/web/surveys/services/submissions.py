"""Record a response: validate, score, consume the link — exactly once.

A submission arrives either with a personal invitation token or through a unit's
anonymous link (with a one-time form nonce). Either way the stored :class:`Response` is a
random id, the wave and a sealed blob (:mod:`~clinwell.web.surveys.services.sealing`) holding
the unit, role, tenure band, answers about the respondent (gender, ...), answers, scores and
comment — nothing readable, and nothing
that points back at the invitation, the nonce or the person.
"""

from __future__ import annotations

import enum
import math
import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection

from clinwell.instruments import get_instrument
from clinwell.instruments.attributes import NOT_STATED
from clinwell.instruments.single import score_one
from clinwell.web.surveys.models import (
    AnonymousLink,
    Invitation,
    Response,
    SubmissionReceipt,
    Wave,
)
from clinwell.web.surveys.services import raw_sql
from clinwell.web.surveys.services.form import ParsedAnswers
from clinwell.web.surveys.services.lifecycle import is_accepting, wave_today
from clinwell.web.surveys.services.sealing import Channel, Payload, seal
from clinwell.web.surveys.services.tokens import token_hash


class Outcome(enum.Enum):
    RECORDED = "recorded"
    DUPLICATE = "duplicate"  # this link or form was already used: nothing new stored
    CLOSED = "closed"


@dataclass(frozen=True)
class Submission:
    outcome: Outcome
    scores: dict[str, dict[str, Any]] = field(default_factory=dict)


TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")
"""Every token clinwell issues is base64url text of at most 64 characters; anything else
(a NUL, a path, 300 characters) is not a link of ours and is not looked up."""


def find_invitation(token: str) -> Invitation | None:
    """The invitation whose token hashes to ``sha256(token)``, with its wave and organization."""
    if not TOKEN_SHAPE.match(token):
        return None
    where = f"t0.{connection.ops.quote_name('token_hash')} = %s"
    found: Invitation | None = raw_sql.find_joined(Invitation, where, [token_hash(token)])
    return found


def find_anonymous_link(token: str) -> AnonymousLink | None:
    """The active anonymous link with this token, with its wave and organization."""
    if not TOKEN_SHAPE.match(token):
        return None
    quote = connection.ops.quote_name
    where = f"t0.{quote('token')} = %s AND t0.{quote('active')} = %s"
    found: AnonymousLink | None = raw_sql.find_joined(AnonymousLink, where, [token, True])
    return found


def score_parsed(parsed: ParsedAnswers) -> dict[str, dict[str, Any]]:
    """Scores per instrument, as JSON-safe values (unscorable scales are ``None``)."""
    scores: dict[str, dict[str, Any]] = {}
    for instrument_id, answers in parsed.by_instrument.items():
        raw = score_one(get_instrument(instrument_id), answers)
        scores[instrument_id] = {name: _json_value(value) for name, value in raw.items()}
    return scores


def _json_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    number = float(value)
    return None if math.isnan(number) else round(number, 6)


def _response_row(
    wave: Wave,
    unit_id: int,
    role: str,
    tenure_band: str,
    channel: str,
    parsed: ParsedAnswers,
    scores: dict[str, dict[str, Any]],
) -> raw_sql.Row:
    """The sealed response row: a random id, the wave and the encrypted payload."""
    payload = Payload(
        unit_id=unit_id,
        role=role,
        tenure_band=tenure_band,
        channel=channel,
        answers={
            instrument_id: dict(answers) for instrument_id, answers in parsed.by_instrument.items()
        },
        scores={name: value for per in scores.values() for name, value in per.items()},
        comment=parsed.comment,
        # Every attribute the wave asks, and only those: not answered is "not stated".
        attributes={key: parsed.attributes.get(key, NOT_STATED) for key in wave.attributes or []},
    )
    response_id = uuid.uuid4()
    return (
        Response,
        {"id": response_id, "wave_id": wave.pk, "sealed": seal(wave.pk, response_id, payload)},
    )


def _consume_invitation_sql(invitation: Invitation, today: date) -> tuple[str, list[Any]]:
    """``UPDATE … SET status = 'responded', responded_on = today WHERE id = … AND NOT status =
    'responded' AND <wave open>``: the row lock makes a concurrent retry of the same link
    update nothing."""
    status = raw_sql.column(Invitation, "status")
    open_sql, open_params = raw_sql.wave_open_sql(invitation.wave_id)
    sql = " ".join(
        [
            f"UPDATE {raw_sql.table(Invitation)}",
            f"SET {status} = %s, {raw_sql.column(Invitation, 'responded_on')} = %s",
            f"WHERE {raw_sql.column(Invitation)} = %s AND NOT ({status} = %s) AND {open_sql}",
        ]
    )
    responded = Invitation.Status.RESPONDED.value
    params = [
        responded,
        Invitation._meta.get_field("responded_on").get_db_prep_save(today, connection),
        Invitation._meta.get_field("id").get_db_prep_save(invitation.pk, connection),
        responded,
        *open_params,
    ]
    return sql, params


def _consume_nonce_sql(link: AnonymousLink, nonce: str) -> tuple[str, list[Any]]:
    """``INSERT`` the form's receipt ``… ON CONFLICT (nonce_hash) DO NOTHING``: a retry of
    the same form (same nonce) inserts nothing, even while the first is in flight."""
    values = {
        "wave_id": link.wave_id,
        "link_id": link.pk,
        "nonce_hash": token_hash(nonce),
        "received_on": wave_today(link.wave),
    }
    insert_sql, fields = raw_sql.insert_select_sql(connection.vendor, SubmissionReceipt)
    open_sql, open_params = raw_sql.wave_open_sql(link.wave_id)
    params = [raw_sql.prepared(f, values) for f in fields] + open_params
    conflict = f"ON CONFLICT ({raw_sql.column(SubmissionReceipt, 'nonce_hash')}) DO NOTHING"
    return f"{insert_sql} WHERE {open_sql} {conflict}", params


def submit_with_invitation(invitation: Invitation, parsed: ParsedAnswers) -> Submission:
    """Consume the invitation and store the response atomically (idempotent)."""
    wave = invitation.wave
    if invitation.status == Invitation.Status.RESPONDED:
        return Submission(Outcome.DUPLICATE)
    if not is_accepting(wave):
        return Submission(Outcome.CLOSED)
    scores = score_parsed(parsed)
    row = _response_row(
        wave,
        invitation.unit_id,
        invitation.role,
        invitation.tenure_band,
        Channel.INVITED,
        parsed,
        scores,
    )
    if not raw_sql.record_once(*_consume_invitation_sql(invitation, wave_today(wave)), [row]):
        return Submission(_not_recorded(wave))
    return Submission(Outcome.RECORDED, scores)


def submit_with_anonymous_link(
    link: AnonymousLink, nonce: str, parsed: ParsedAnswers, *, role: str, tenure_band: str
) -> Submission:
    """Store a response from a unit's anonymous link; the nonce makes retries idempotent."""
    wave = link.wave
    if not is_accepting(wave):
        return Submission(Outcome.CLOSED)
    if not nonce:
        return Submission(Outcome.DUPLICATE)
    scores = score_parsed(parsed)
    row = _response_row(wave, link.unit_id, role, tenure_band, Channel.LINK, parsed, scores)
    if not raw_sql.record_once(*_consume_nonce_sql(link, nonce), [row]):
        return Submission(_not_recorded(wave))
    return Submission(Outcome.RECORDED, scores)


def _not_recorded(wave: Wave) -> Outcome:
    """Why a consuming statement changed nothing: the wave closed meanwhile, or a concurrent
    retry of the same link or form got there first."""
    status = Wave.objects.filter(pk=wave.pk).values_list("status", flat=True).first()
    return Outcome.DUPLICATE if status == Wave.Status.OPEN else Outcome.CLOSED
