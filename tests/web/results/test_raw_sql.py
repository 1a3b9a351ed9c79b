"""The results cache written with hand-written SQL (``results/services/raw_sql.py``): what
it writes reads back through the ORM exactly as written, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from clinwell.web.results.models import PublishedCell
from clinwell.web.results.services.raw_sql import insert_rows
from tests.web.conftest import Cast
from tests.web.plain_models import assert_plain
from tests.web.results.conftest import closed_wave

pytestmark = pytest.mark.django_db


def test_the_cache_model_stays_plain() -> None:
    """insert_rows bypasses Model.save: valid only while the model has no save override, no
    save signal receivers and no self-filling fields."""
    assert_plain(PublishedCell)


def test_rows_read_back_as_written(cast: Cast) -> None:
    wave = closed_wave(cast.alpha, "Spring", 3)
    unit = cast.unit(cast.alpha, "Alpha Health/Site A/Medicine/Cardiology")
    written = [
        {
            "wave_id": wave.pk,
            "unit_id": None,
            "group": "",
            "suppressed": False,
            "protects_other": False,
            "n": 41,
            "estimates": {
                "burnout": {"estimate": 0.123456789012, "lower": 0.05, "upper": 0.2, "n": 41},
                "withheld": None,
            },
            "marks": {"burnout": {"direction": -1, "q": 0.031}},
            "drivers": {"drivers": [{"label": "Temps de documentation — “café”", "share": 0.5}]},
            "comments": {"comment": ["Line one\nline two", "ünïcode ✓"]},
            "comment_themes": None,
        },
        {
            "wave_id": wave.pk,
            "unit_id": unit.pk,
            "parent_id_cache": unit.parent_id,
            "group": "role=nurse&gender=woman",
            "suppressed": True,
            "protects_other": True,
            "n": None,
            "drivers": None,
        },
    ]
    assert insert_rows(PublishedCell, written) == 2
    everyone = PublishedCell.objects.get(wave=wave, unit=None, group="")
    for name, value in written[0].items():
        assert getattr(everyone, name) == value, name
    hidden = PublishedCell.objects.get(wave=wave, unit=unit, group="role=nurse&gender=woman")
    assert (hidden.suppressed, hidden.protects_other, hidden.n) == (True, True, None)
    assert (hidden.estimates, hidden.marks, hidden.drivers, hidden.comments) == ({}, {}, None, None)
    assert hidden.parent_id_cache == unit.parent_id
    # SQL NULL, not JSON null, in a nullable JSON field (as the ORM stores None)
    assert PublishedCell.objects.filter(pk=hidden.pk, drivers__isnull=True).exists()
