"""Survey fixtures: an open wave in Alpha Health with invitations for its roster."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clinwell.web.surveys.models import Invitation, Wave
from clinwell.web.surveys.services.tokens import invitation_token
from clinwell.web.surveys.services.waves import (
    ModuleChoice,
    create_wave,
    ensure_anonymous_link,
    launch_wave,
)
from tests.web.conftest import Cast

MODULES = [
    ModuleChoice("single_item_burnout"),
    ModuleChoice("who5"),
    ModuleChoice("intent_to_leave"),
    ModuleChoice("admin_burden"),
]


def make_wave(cast: Cast, *, launch: bool = True, modules=MODULES, **kwargs) -> Wave:
    now = timezone.now()
    wave = create_wave(
        cast.alpha,
        name=kwargs.pop("name", "Spring pulse"),
        opens_at=kwargs.pop("opens_at", now - timedelta(days=1)),
        closes_at=kwargs.pop("closes_at", now + timedelta(days=14)),
        time_zone="America/New_York",
        modules=modules,
        **kwargs,
    )
    if launch:
        launch_wave(wave)
    return wave


@pytest.fixture
def wave(cast: Cast) -> Wave:
    return make_wave(cast)


def token_for(wave: Wave, email: str) -> str:
    invitation = Invitation.objects.get(wave=wave, person__email=email)
    return invitation_token(invitation.id)


# A complete, valid set of answers for MODULES.
GOOD_ANSWERS = {
    "q:single_item_burnout.1": "3",
    "q:who5.1": "2",
    "q:who5.2": "2",
    "q:who5.3": "1",
    "q:who5.4": "1",
    "q:who5.5": "2",
    "q:intent_to_leave.1": "3",
    "q:admin_burden.1": "12",
    "q:admin_burden.2": "3.5",
    "comment": "More protected admin time, please.",
}


@pytest.fixture
def anonymous_token(cast: Cast, wave: Wave) -> str:
    unit = cast.unit(cast.alpha, "Alpha Health/Site A/Medicine/Cardiology")
    return ensure_anonymous_link(wave, unit).token
