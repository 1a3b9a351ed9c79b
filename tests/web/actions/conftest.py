"""Fixtures for action plans: closed waves with responses planted per unit, and plans."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest

from clinwell.web.actions.models import ActionPlan
from clinwell.web.actions.services import PlanInput, create_plan
from clinwell.web.orgs.models import Membership, Organization, Unit
from clinwell.web.surveys.models import Wave, WaveModule
from tests.web.conftest import Cast
from tests.web.sealed import payload, store

CARDIOLOGY = "Alpha Health/Site A/Medicine/Cardiology"
MEDICINE = "Alpha Health/Site A/Medicine"
SURGERY = "Alpha Health/Site A/Surgery"
PEDIATRICS = "Alpha Health/Site B/Pediatrics"


def aware(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def closed_wave(
    org: Organization, name: str, opens: date, closes: date, modules: Sequence[str]
) -> Wave:
    wave = Wave.objects.create(
        organization=org,
        name=name,
        opens_at=aware(opens),
        closes_at=aware(closes),
        status=Wave.Status.CLOSED,
        launched_on=opens,
        closed_on=closes,
    )
    for i, instrument_id in enumerate(modules):
        WaveModule.objects.create(wave=wave, instrument_id=instrument_id, position=i)
    return wave


def respond(wave: Wave, unit: Unit, column: str, values: Sequence[Any]) -> None:
    """One response per value, each scoring ``column`` with that value."""
    store(wave, (payload(unit, scores={column: value}) for value in values))


def membership(user: Any, org: Organization) -> Membership:
    return Membership.objects.get(user=user, organization=org)


def make_plan(cast: Cast, path: str, *, title: str = "Plan", **kwargs: Any) -> ActionPlan:
    data = PlanInput(
        title=title,
        unit_id=cast.unit(cast.alpha, path).pk,
        owner_id=cast.owner.pk,
        target_measure=kwargs.pop("target_measure", "org_wellbeing.documentation_time"),
        **{k: kwargs.pop(k) for k in list(kwargs) if k in PlanInput.__dataclass_fields__},
    )
    return create_plan(membership(cast.owner, cast.alpha), data, created_by=cast.owner, **kwargs)


@pytest.fixture
def plans(cast: Cast) -> dict[str, ActionPlan]:
    return {
        "cardiology": make_plan(cast, CARDIOLOGY, title="Cardiology scribes"),
        "surgery": make_plan(cast, SURGERY, title="Surgery inbox"),
    }
