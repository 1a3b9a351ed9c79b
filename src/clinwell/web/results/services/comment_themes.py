"""Comment themes of a wave's release: computed once, when the release is computed.

:func:`label_cells` runs after the gate and the masking, on the released (masked) comment
lists only, so every count it stores is a function of comments the gate released for a group
at or above the wave's comment threshold; withheld lists stay withheld (``None``). Each
distinct text is labelled once (:func:`clinwell.comments.classify`, the packaged sentence
encoder loaded lazily, once per process — in the task worker that computes releases, never in
a page request that reads a warm release).

Stored per cell, in ``PublishedCell.comment_themes``, for each comment question::

    {"count": 12,                                   # released comments
     "themes": {"ehr_documentation": 5, ...},       # comments carrying each theme
     "negative": {"ehr_documentation": 4, ...},     # ... of which negative
     "sentiment": {"negative": 8, "neutral": 2, "positive": 2},
     "labels": [[["ehr_documentation"], "negative"], ...]}   # aligned with the comment list

or ``None`` when the question's list is withheld. ``labels`` follows the order of the cell's
stored comment list (sorted after masking) and is read only by roles allowed to read comments.
"""

from __future__ import annotations

import logging
from typing import Any

from clinwell.comments import SENTIMENTS, THEME_KEYS, Classification, classify
from clinwell.web.results.services.gate import CellData

logger = logging.getLogger(__name__)


def summarize(texts: list[str], labels: dict[str, Classification]) -> dict[str, Any]:
    """Counts of one released comment list (see the module docstring for the layout)."""
    themes = dict.fromkeys(THEME_KEYS, 0)
    negative = dict.fromkeys(THEME_KEYS, 0)
    sentiment = dict.fromkeys(SENTIMENTS, 0)
    rows: list[list[Any]] = []
    for text in texts:
        label = labels[text]
        sentiment[label.sentiment] += 1
        for key in label.themes:
            themes[key] += 1
            if label.sentiment == "negative":
                negative[key] += 1
        rows.append([list(label.themes), label.sentiment])
    return {
        "count": len(texts),
        "themes": themes,
        "negative": negative,
        "sentiment": sentiment,
        "labels": rows,
    }


def label_cells(cells: list[CellData]) -> dict[int | None, dict[str, Any] | None]:
    """Theme and sentiment counts of every cell's released comment lists, by unit id.

    Cells without released comments are absent (or map to ``None``). If the packaged model is
    missing, no themes are stored (logged), and the rest of the release is unaffected.
    """
    released = {
        text
        for c in cells
        if not c.suppressed and c.comments
        for texts in c.comments.values()
        if texts
        for text in texts
    }
    if not released:
        return {}
    from clinwell.comments.encoder import ModelUnavailableError

    distinct = sorted(released)
    try:
        labels = dict(zip(distinct, classify(distinct), strict=True))
    except ModelUnavailableError:
        logger.exception("comment themes not computed: the comment model is unavailable")
        return {}
    out: dict[int | None, dict[str, Any] | None] = {}
    for c in cells:
        if c.suppressed or not c.comments:
            continue
        out[c.unit_id] = {
            question: None if texts is None else summarize(texts, labels)
            for question, texts in c.comments.items()
        }
    return out
