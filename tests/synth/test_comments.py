"""Synthetic comments: seeded, and their planted themes are found by the real classifier."""

from __future__ import annotations

import numpy as np
import pytest

from clinwell.comments import THEME_KEYS, classify
from clinwell.comments.labelled import HELDOUT, TRAIN, load_labelled
from clinwell.synth.comments import PHRASES, CommentSpecError, generate_comments


def test_same_seed_same_comments_and_shares_as_asked() -> None:
    first = generate_comments(400, seed=7, repeat_rate=0.1, no_theme_rate=0.2)
    assert first == generate_comments(400, seed=7, repeat_rate=0.1, no_theme_rate=0.2)
    assert first != generate_comments(400, seed=8, repeat_rate=0.1, no_theme_rate=0.2)
    assert 0.12 < np.mean([not c.themes for c in first]) < 0.3
    assert len({c.text for c in first}) < 400  # verbatim repeats are there to be grouped


def test_phrases_are_not_taken_from_the_labelled_sets() -> None:
    labelled = {t.lower() for name in (TRAIN, HELDOUT) for t in load_labelled(name).texts}
    for sentences in PHRASES.values():
        for sentence, _ in sentences:
            assert sentence.replace("{place}", "").lower() not in labelled


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"theme_weights": {"parking": 1.0}}, "unknown theme 'parking'"),
        ({"theme_weights": {"ehr_documentation": -1.0}}, "must be ≥ 0"),
        ({"repeat_rate": 1.5}, "repeat_rate"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(CommentSpecError, match=message):
        generate_comments(5, **kwargs)  # type: ignore[arg-type]


def test_the_classifier_finds_the_planted_themes() -> None:
    comments = generate_comments(300, seed=11, theme_weights={"safety_violence": 4.0})
    found = classify([c.text for c in comments])
    planted = np.array([[k in c.themes for k in THEME_KEYS] for c in comments])
    got = np.array([[k in c.themes for k in THEME_KEYS] for c in found])
    tp = (planted & got).sum()
    micro_f1 = 2 * tp / (planted.sum() + got.sum())
    assert micro_f1 >= 0.75
    recall = (planted & got).sum(axis=0) / planted.sum(axis=0)
    assert recall.min() >= 0.5
    # The theme planted four times as often is the one the page would show on top.
    assert THEME_KEYS[int(np.argmax(got.sum(axis=0)))] == "safety_violence"
