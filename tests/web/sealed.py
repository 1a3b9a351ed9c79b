"""Write and read sealed responses in tests, through the product's own sealing code."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from clinwell.web.orgs.models import Unit
from clinwell.web.results.services.loading import open_responses
from clinwell.web.surveys.models import Wave
from clinwell.web.surveys.services.sealing import Channel, Payload, store_sealed


def payload(
    unit: Unit | int,
    *,
    role: str = "physician",
    tenure_band: str = "",
    scores: Mapping[str, Any] | None = None,
    answers: Mapping[str, Any] | None = None,
    comment: str = "",
    channel: str = Channel.IMPORTED,
) -> Payload:
    return Payload(
        unit_id=unit if isinstance(unit, int) else unit.pk,
        role=role,
        tenure_band=tenure_band,
        channel=channel,
        answers=dict(answers or {}),
        scores=dict(scores or {}),
        comment=comment,
    )


def store(wave: Wave, payloads: Iterable[Payload]) -> int:
    """Store ``payloads`` as sealed responses of ``wave`` (random order, as the product)."""
    return store_sealed(wave, list(payloads))


def opened(wave: Wave) -> list[Payload]:
    """Every response of ``wave``, opened."""
    return open_responses(wave)
