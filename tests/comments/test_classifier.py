"""The shipped classifier on the real model."""

from __future__ import annotations

from clinwell.comments import THEME_KEYS, classify, distinct_count
from clinwell.comments.encoder import Encoder
from clinwell.comments.evaluation import evaluate
from clinwell.comments.labelled import HELDOUT, load_labelled


def test_held_out_quality_meets_the_goal(encoder: Encoder) -> None:
    # The goal of issue #19: macro-F1 of at least 0.75 on comments the model never saw.
    data = load_labelled(HELDOUT)
    result = evaluate(data, classify(list(data.texts)))
    assert result.macro_f1 >= 0.75
    assert min(s.f1 for s in result.themes) >= 0.5
    assert result.sentiment_accuracy >= 0.75


def test_labels_come_back_in_input_order_and_repeats_agree(encoder: Encoder) -> None:
    texts = [
        "Prior authorizations eat my whole Friday.",
        "   ",
        "A patient threw a chair at the nurse and security never came.",
        "Prior authorizations eat my whole Friday.",
        "No comment.",
    ]
    labels = classify(texts)
    assert distinct_count(texts) == 3
    assert labels[0] == labels[3]
    assert "administrative_burden" in labels[0].themes
    assert labels[1].themes == ()
    assert labels[1].sentiment == "neutral"
    assert "safety_violence" in labels[2].themes
    assert labels[2].sentiment == "negative"
    assert labels[4].themes == ()
    assert all(set(c.themes) <= set(THEME_KEYS) for c in labels)
