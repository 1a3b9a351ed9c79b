"""Record a response: validate, score, consume the link — exactly once.

A submission arrives either with a personal invitation token or through a unit's
anonymous link (with a one-time form nonce). Either way the stored :class:`Response` gets
the unit, role and tenure band, the day, the answers and the scores — and nothing that
points back at the invitation, the nonce or the person.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from clinwell.instruments import get_instrument, score_answers
from clinwell.web.surveys.models import (
    AnonymousLink,
    Comment,
    Invitation,
    Response,
    SubmissionReceipt,
    Wave,
)
from clinwell.web.surveys.services.form import ParsedAnswers
from clinwell.web.surveys.services.tokens import token_hash


class Outcome(enum.Enum):
    RECORDED = "recorded"
    DUPLICATE = "duplicate"  # this link or form was already used: nothing new stored
    CLOSED = "closed"


@dataclass(frozen=True)
class Submission:
    outcome: Outcome
    scores: dict[str, dict[str, Any]] = field(default_factory=dict)


def wave_today(wave: Wave) -> date:
    """The current day in the wave's time zone (the only time a response keeps)."""
    return timezone.localdate(timezone=ZoneInfo(wave.time_zone))


def is_accepting(wave: Wave) -> bool:
    """Open, and within its window. A wave past its end is closed on the spot."""
    if wave.status != Wave.Status.OPEN:
        return False
    now = timezone.now()
    if now >= wave.closes_at:
        from clinwell.web.surveys.services.waves import close_wave

        close_wave(wave)
        return False
    return now >= wave.opens_at


def find_invitation(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("wave", "wave__organization")
        .filter(token_hash=token_hash(token))
        .first()
    )


def find_anonymous_link(token: str) -> AnonymousLink | None:
    return (
        AnonymousLink.objects.select_related("wave", "wave__organization")
        .filter(token=token, active=True)
        .first()
    )


def score_parsed(parsed: ParsedAnswers) -> dict[str, dict[str, Any]]:
    """Scores per instrument, as JSON-safe values (unscorable scales are ``None``)."""
    scores: dict[str, dict[str, Any]] = {}
    for instrument_id, answers in parsed.by_instrument.items():
        raw = score_answers(get_instrument(instrument_id), answers)
        scores[instrument_id] = {name: _json_value(value) for name, value in raw.items()}
    return scores


def _json_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    number = float(value)
    return None if math.isnan(number) else round(number, 6)


def _store(
    wave: Wave,
    unit_id: int,
    role: str,
    tenure_band: str,
    parsed: ParsedAnswers,
    scores: dict[str, dict[str, Any]],
) -> None:
    today = wave_today(wave)
    Response.objects.create(
        wave=wave,
        unit_id=unit_id,
        role=role,
        tenure_band=tenure_band,
        submitted_on=today,
        answers={
            instrument_id: dict(answers) for instrument_id, answers in parsed.by_instrument.items()
        },
        scores={name: value for per in scores.values() for name, value in per.items()},
    )
    if parsed.comment:
        Comment.objects.create(wave=wave, unit_id=unit_id, question="comment", text=parsed.comment)


def submit_with_invitation(invitation: Invitation, parsed: ParsedAnswers) -> Submission:
    """Consume the invitation and store the response in one transaction (idempotent)."""
    wave = invitation.wave
    if invitation.status == Invitation.Status.RESPONDED:
        return Submission(Outcome.DUPLICATE)
    if not is_accepting(wave):
        return Submission(Outcome.CLOSED)
    scores = score_parsed(parsed)
    with transaction.atomic():
        consumed = (
            Invitation.objects.filter(pk=invitation.pk)
            .exclude(status=Invitation.Status.RESPONDED)
            .update(status=Invitation.Status.RESPONDED, responded_on=wave_today(wave))
        )
        if consumed == 0:  # a concurrent retry got here first
            return Submission(Outcome.DUPLICATE)
        _store(wave, invitation.unit_id, invitation.role, invitation.tenure_band, parsed, scores)
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
    try:
        with transaction.atomic():
            SubmissionReceipt.objects.create(
                wave=wave, nonce_hash=token_hash(nonce), received_on=wave_today(wave)
            )
            _store(wave, link.unit_id, role, tenure_band, parsed, scores)
    except IntegrityError:
        return Submission(Outcome.DUPLICATE)
    return Submission(Outcome.RECORDED, scores)
