"""Results fixtures: closed waves in Alpha Health built from sealed responses directly.

Alpha's units (tests/web/conftest.py): Site A (Medicine with Cardiology inside it, Surgery)
and Site B/Pediatrics. ``leader`` leads Site A/Medicine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from clinwell.synth.comments import generate_comments
from clinwell.synth.scores import MODULES, synthetic_scores
from clinwell.web.orgs.models import Organization, Unit
from clinwell.web.surveys.models import Wave, WaveModule
from tests.web.conftest import Cast
from tests.web.sealed import payload, store

# Responses per unit path: Surgery is small (suppressed), Pediatrics is large enough for a
# unit driver analysis.
SIZES = {
    "Alpha Health/Site A/Medicine": 8,
    "Alpha Health/Site A/Medicine/Cardiology": 30,
    "Alpha Health/Site A/Surgery": 3,
    "Alpha Health/Site B/Pediatrics": 520,
}


def closed_wave(org: Organization, name: str, days_ago: int, **kwargs: int) -> Wave:
    now = timezone.now()
    wave = Wave.objects.create(
        organization=org,
        name=name,
        opens_at=now - timedelta(days=days_ago + 14),
        closes_at=now - timedelta(days=days_ago),
        status=Wave.Status.CLOSED,
        closed_on=(now - timedelta(days=days_ago)).date(),
        **kwargs,
    )
    for i, instrument in enumerate(MODULES):
        WaveModule.objects.create(wave=wave, instrument_id=instrument, position=i)
    return wave


def add_responses(
    wave: Wave,
    unit: Unit,
    n: int,
    seed: int,
    shift: float = 0.0,
    role: str = "physician",
    comments: Sequence[str] = (),
) -> None:
    """``n`` synthetic responses in ``unit``; the first ones carry ``comments``."""
    rng = np.random.default_rng(seed)
    texts = list(comments) + [""] * (n - len(comments))
    store(
        wave,
        (
            payload(unit, role=role, tenure_band="1to5", scores=scores, comment=text)
            for scores, text in zip(
                synthetic_scores(rng, n, shift=shift, missing=0.0), texts, strict=True
            )
        ),
    )


@dataclass
class Waves:
    first: Wave
    second: Wave


@pytest.fixture
def waves(cast: Cast) -> Waves:
    first = closed_wave(cast.alpha, "Autumn 2025", 200)
    second = closed_wave(cast.alpha, "Spring 2026", 20)
    comments = {
        "Alpha Health/Site B/Pediatrics": [f"Pediatrics note {i}" for i in range(12)],
        "Alpha Health/Site A/Medicine/Cardiology": [f"Cardiology note {i}" for i in range(3)],
    }
    for seed, wave in enumerate((first, second)):
        for i, (path, n) in enumerate(SIZES.items()):
            texts = comments.get(path, []) if wave is second else []
            unit = cast.unit(cast.alpha, path)
            add_responses(wave, unit, n, seed * 100 + i, shift=0.1 * seed, comments=texts)
    return Waves(first, second)


CLEAN_SIZES = {
    "Alpha Health/Site A/Medicine": 10,
    "Alpha Health/Site A/Medicine/Cardiology": 30,
    "Alpha Health/Site A/Surgery": 7,
    "Alpha Health/Site B/Pediatrics": 520,
}


@pytest.fixture
def clean_wave(cast: Cast) -> Wave:
    """A closed wave whose units all reach the score threshold (5), with comments; Surgery
    (7 respondents) is below the comment threshold (10)."""
    wave = closed_wave(cast.alpha, "Clean wave", 5)
    comments = {
        "Alpha Health/Site B/Pediatrics": [f"Pediatrics note {i}" for i in range(12)],
        "Alpha Health/Site A/Surgery": [f"Surgery note {i}" for i in range(3)],
    }
    for i, (path, n) in enumerate(CLEAN_SIZES.items()):
        unit = cast.unit(cast.alpha, path)
        add_responses(wave, unit, n, 700 + i, shift=0.3 * (i == 3), comments=comments.get(path, []))
    return wave


# Comment themes (tests/web/results/test_comments.py, tests/web/api/test_themes.py).
DUPLICATE = "The night shift is chronically short of nurses and nobody covers sick calls."
IDENTIFYING = (
    "Card One shouted at me in the hallway; call me at 612-555-0199 or mail card1@alpha.example"
)
MASKED = (
    "[name removed] shouted at me in the hallway; call me at [phone removed] "
    "or mail [e-mail removed]"
)
PEDS = "Alpha Health/Site B/Pediatrics"
CARDIO = "Alpha Health/Site A/Medicine/Cardiology"
SURGERY = "Alpha Health/Site A/Surgery"


def _texts(n: int, seed: int, **weights: float) -> list[str]:
    return [c.text for c in generate_comments(n, seed=seed, theme_weights=weights, repeat_rate=0)]


@pytest.fixture
def comment_waves(cast: Cast) -> tuple[Wave, Wave]:
    """Two closed waves. Latest: Pediatrics (520 respondents) writes mostly about safety, with
    one sentence six times and one identifying comment; Cardiology (30) about the EHR;
    Surgery (7) is below the comment threshold (10). The older wave: Pediatrics about pay."""
    older = closed_wave(cast.alpha, "Autumn 2025", 200)
    latest = closed_wave(cast.alpha, "Spring 2026", 20)
    sizes = {"Alpha Health/Site A/Medicine": 10, CARDIO: 30, SURGERY: 7, PEDS: 520}
    comments = {
        latest.pk: {
            PEDS: [*_texts(24, 1, safety_violence=12.0), *[DUPLICATE] * 6, IDENTIFYING],
            CARDIO: _texts(14, 2, ehr_documentation=20.0),
            SURGERY: ["Surgery note about the operating room schedule"] * 3,
        },
        older.pk: {PEDS: _texts(20, 3, compensation_recognition=12.0)},
    }
    for wave in (older, latest):
        for i, (path, n) in enumerate(sizes.items()):
            texts = comments[wave.pk].get(path, [])
            add_responses(wave, cast.unit(cast.alpha, path), n, 40 + i, comments=texts)
    return older, latest


# Physicians and nurses per unit path. Surgery's 3 nurses are too few; hiding them alone
# would let Site A's nurses minus Medicine's give them away, so the gate must hide one more
# nurse cell of at least 5 — "hidden to protect a smaller group nearby".
ROLE_SIZES = {
    "Alpha Health/Site A/Medicine": (10, 6),
    "Alpha Health/Site A/Medicine/Cardiology": (25, 2),
    "Alpha Health/Site A/Surgery": (12, 3),
    "Alpha Health/Site B/Pediatrics": (40, 20),
}


def build_role_wave(cast: Cast) -> Wave:
    wave = closed_wave(cast.alpha, "Roles wave", 3)
    for i, (path, (physicians, nurses)) in enumerate(ROLE_SIZES.items()):
        unit = cast.unit(cast.alpha, path)
        add_responses(wave, unit, physicians, 900 + i, role="physician")
        add_responses(wave, unit, nurses, 950 + i, role="nurse", shift=0.4)
    return wave


@pytest.fixture
def role_wave(cast: Cast) -> Wave:
    return build_role_wave(cast)
