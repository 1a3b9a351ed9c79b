"""The cache of released results: one row per wave (metadata) and one per published cell.

Every number stored here came out of :func:`clinwell.privacy.release` (or was computed only
from numbers that did, e.g. BH marks); pages read these rows and never the responses.
A row set is valid for the wave's *fingerprint* (status, thresholds, response and comment
counts, code version); when it changes — a wave closes, a past wave's responses are
imported — the rows are recomputed (:mod:`clinwell.web.results.services.cache`).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from clinwell.web.orgs.models import Unit
from clinwell.web.surveys.models import Wave


class WaveResult(models.Model):
    """Metadata of one wave's released results (organization-wide computation)."""

    wave = models.OneToOneField(Wave, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64)
    computed_at = models.DateTimeField()
    seconds = models.FloatField(default=0.0)
    measures = models.JSONField(default=list)
    policy = models.JSONField(default=dict)
    tests = models.PositiveIntegerField(default=0)
    q_level = models.FloatField(default=0.05)
    frozen = models.BooleanField(
        default=False,
        help_text="Kept as released for good: the raw responses may be deleted (retention).",
    )

    def __str__(self) -> str:
        return f"Results of wave {self.wave_id}"


class PublishedCell(models.Model):
    """One cell of the release after the privacy gate (``unit`` NULL = the organization).

    ``group`` names the respondents the cell is about inside its unit: ``""`` = everyone,
    else ``dimension=value`` pairs joined by ``&`` in release order (role first), e.g.
    ``role=physician`` or ``role=physician&gender=woman`` (:func:`group_key`).
    ``protects_other`` is set on a hidden cell of at least the threshold that the gate hid
    to protect a smaller group nearby (docs/privacy.md, "Deliberate exceptions").

    ``estimates`` maps a measure column to ``{"estimate", "lower", "upper", "n", "sd"}`` or
    ``None`` (withheld); a suppressed cell has ``n`` NULL and nothing else. ``marks`` holds
    BH-significant differences from the rest of the organization; ``drivers`` a key-driver
    analysis (when the cell is large enough); ``comments`` released comment lists (admins);
    ``comment_themes`` their theme and sentiment counts, computed with the release
    (:mod:`clinwell.web.results.services.comment_themes`).
    """

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, null=True, on_delete=models.CASCADE, related_name="+")
    parent_id_cache = models.BigIntegerField(null=True, db_index=True)
    group = models.CharField(max_length=200, default="", blank=True)
    suppressed = models.BooleanField()
    protects_other = models.BooleanField(default=False)
    n = models.PositiveIntegerField(null=True)
    estimates = models.JSONField(default=dict)
    marks = models.JSONField(default=dict)
    drivers = models.JSONField(null=True)
    comments = models.JSONField(null=True)
    comment_themes = models.JSONField(null=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["wave", "unit", "group"], name="one_cell_per_wave_unit_group"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["wave", "group", "parent_id_cache"])]

    def __str__(self) -> str:
        group = f", {self.group}" if self.group else ""
        return f"Wave {self.wave_id}, unit {self.unit_id or 'all'}{group}"


def group_key(pairs: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> str:
    """``[("role", "physician"), ("gender", "woman")]`` -> ``role=physician&gender=woman``."""
    return "&".join(f"{name}={value}" for name, value in pairs)


def group_pairs(key: str) -> list[tuple[str, str]]:
    """The inverse of :func:`group_key` (``""`` -> everyone, no pairs)."""
    if not key:
        return []
    return [(name, value) for name, _, value in (part.partition("=") for part in key.split("&"))]
