"""Quality of theme and sentiment labels against a labelled set.

Per theme: precision TP/(TP+FP), recall TP/(TP+FN), F1 = 2PR/(P+R); macro-F1 is their plain
mean over the ten themes. The confusion between themes is a matrix C with one row per true
theme and one column per predicted theme: C[t, t] counts comments labelled *t* that got *t*;
C[t, u] (u ≠ t) counts comments labelled *t* but not *u* that got *u* — a false *u* on a
*t* comment. The extra row "none" counts predicted themes on comments labelled with no theme;
the extra column "none" counts comments labelled *t* that got no theme at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from clinwell.comments.classifier import Classification
from clinwell.comments.labelled import LabelledSet
from clinwell.comments.themes import SENTIMENTS, THEME_KEYS


@dataclass(frozen=True)
class ThemeScore:
    theme: str
    support: int
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class Evaluation:
    """Scores of predictions against one labelled set."""

    set_name: str
    rows: int
    themes: tuple[ThemeScore, ...]
    confusion: npt.NDArray[np.int64]  # (11, 11): themes + "none", rows true, columns predicted
    sentiment_accuracy: float
    sentiment_confusion: npt.NDArray[np.int64]  # (3, 3): rows true, columns predicted

    @property
    def macro_f1(self) -> float:
        return float(np.mean([s.f1 for s in self.themes]))


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def evaluate(labelled: LabelledSet, predicted: list[Classification]) -> Evaluation:
    """Compare ``predicted`` (one per row of ``labelled``, same order) with the labels."""
    truth = labelled.themes
    guess = np.array(
        [[k in p.themes for k in THEME_KEYS] for p in predicted], dtype=np.bool_
    ).reshape(truth.shape)
    scores = []
    for j, key in enumerate(THEME_KEYS):
        tp = int(np.sum(guess[:, j] & truth[:, j]))
        fp = int(np.sum(guess[:, j] & ~truth[:, j]))
        fn = int(np.sum(~guess[:, j] & truth[:, j]))
        precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        f1 = _ratio(2 * precision * recall, precision + recall)
        scores.append(ThemeScore(key, int(truth[:, j].sum()), precision, recall, f1))
    n = len(THEME_KEYS)
    confusion = np.zeros((n + 1, n + 1), dtype=np.int64)
    for t_row, g_row in zip(truth, guess, strict=True):
        true_keys = np.flatnonzero(t_row)
        for t in true_keys if len(true_keys) else [n]:
            for u in np.flatnonzero(g_row):
                if u == t or not t_row[u]:
                    confusion[t, u] += 1
            if not g_row.any() and t != n:
                confusion[t, n] += 1
    sentiment = np.array([SENTIMENTS.index(p.sentiment) for p in predicted], dtype=np.int64)
    sentiment_confusion = np.zeros((3, 3), dtype=np.int64)
    np.add.at(sentiment_confusion, (labelled.sentiments, sentiment), 1)
    return Evaluation(
        set_name=labelled.name,
        rows=len(labelled),
        themes=tuple(scores),
        confusion=confusion,
        sentiment_accuracy=float(np.mean(sentiment == labelled.sentiments)),
        sentiment_confusion=sentiment_confusion,
    )
