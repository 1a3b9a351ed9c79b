"""Comment themes on the organization's own machine (issue #19).

Pure (no Django, no web app, no CLI): given comment texts, :func:`classify` returns each
comment's themes (any of the ten :data:`THEME_KEYS`, or none) and sentiment, using the packaged
all-MiniLM-L6-v2 sentence encoder run with numpy and linear heads fitted on clinwell's own
labelled comments. Nothing is downloaded; the model loads on first use, once per process.
:func:`themes` maps each theme to driver items, NAM priority areas and interventions;
:func:`group_near_duplicates` and :func:`search` are the helpers the comments page uses.
See ``docs/comments.md``.
"""

from __future__ import annotations

from clinwell.comments.classifier import Classification, classify, distinct_count
from clinwell.comments.duplicates import DuplicateGroup, group_near_duplicates
from clinwell.comments.search import matches, search
from clinwell.comments.themes import SENTIMENTS, THEME_KEYS, Theme, theme, themes

__all__ = [
    "SENTIMENTS",
    "THEME_KEYS",
    "Classification",
    "DuplicateGroup",
    "Theme",
    "classify",
    "distinct_count",
    "group_near_duplicates",
    "matches",
    "search",
    "theme",
    "themes",
]
