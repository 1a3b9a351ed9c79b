"""Fit the classifier heads on ``data/train.csv`` and write ``data/heads.npz``.

Each head is an L2-regularized logistic regression fitted by Newton's method (iteratively
reweighted least squares; Hastie, Tibshirani & Friedman 2009, §4.4.1), minimizing

    Σᵢ sᵢ · [log(1 + exp(zᵢ)) − yᵢ zᵢ] + (λ/2)·‖w‖²,   zᵢ = w · xᵢ + b

with the bias unpenalized and, for themes, class-balanced weights sᵢ = n / (2·n_class(yᵢ)) so
rare themes are not ignored. Each theme's threshold is the one that maximizes F1 over
out-of-fold probabilities of a 5-fold cross-validation on the training set alone; the held-out
set is never read here. Sentiment uses one balanced head per class (one-vs-rest), the largest
score wins.

Run ``python -m clinwell.comments.training`` after editing ``data/train.csv``;
``tests/comments/test_training.py`` fails while the shipped heads were fitted on another
version of the training set.

References
----------
Hastie T, Tibshirani R, Friedman J. The Elements of Statistical Learning, 2nd ed. Springer; 2009.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from clinwell.comments.classifier import HEADS_FILE, Heads
from clinwell.comments.labelled import TRAIN, LabelledSet, load_labelled
from clinwell.comments.themes import SENTIMENTS, THEME_KEYS

L2: Final = 1.0 / 16.0
FOLDS: Final = 5
SEED: Final = 20260
THRESHOLD_GRID: Final = np.round(np.arange(0.2, 0.81, 0.05), 2)

FloatArray = npt.NDArray[np.float64]


def balanced_weights(y: npt.NDArray[np.bool_]) -> FloatArray:
    """sᵢ = n / (2·n_class(yᵢ)): both classes weigh the same in total."""
    n, positives = len(y), int(y.sum())
    if positives in (0, n):
        return np.ones(n)
    return np.where(y, n / (2.0 * positives), n / (2.0 * (n - positives)))


def fit_logistic(
    x: npt.NDArray[np.floating[Any]],
    y: npt.NDArray[np.bool_],
    *,
    l2: float = L2,
    weights: FloatArray | None = None,
    iterations: int = 50,
) -> tuple[FloatArray, float]:
    """Weights and bias of the penalized logistic regression (Newton's method)."""
    n, d = x.shape
    design = np.hstack([x.astype(np.float64), np.ones((n, 1))])
    s = np.ones(n) if weights is None else weights
    target = y.astype(np.float64)
    penalty = np.full(d + 1, l2)
    penalty[-1] = 0.0
    beta = np.zeros(d + 1)
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(design @ beta)))
        gradient = design.T @ (s * (p - target)) + penalty * beta
        hessian = (design * (s * p * (1.0 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian + 1e-9 * np.eye(d + 1), gradient)
        beta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return beta[:-1], float(beta[-1])


def _fit_heads(x: FloatArray, y: npt.NDArray[np.bool_]) -> tuple[FloatArray, FloatArray]:
    fitted = [
        fit_logistic(x, y[:, j], weights=balanced_weights(y[:, j])) for j in range(y.shape[1])
    ]
    return np.array([w for w, _ in fitted]), np.array([b for _, b in fitted])


def fold_of(n: int, folds: int = FOLDS, seed: int = SEED) -> npt.NDArray[np.int64]:
    """A random, seeded fold number in 0..folds-1 for each of ``n`` rows."""
    order = np.random.default_rng(seed).permutation(n)
    fold = np.empty(n, dtype=np.int64)
    fold[order] = np.arange(n) % folds
    return fold


def out_of_fold_probabilities(x: FloatArray, y: npt.NDArray[np.bool_]) -> FloatArray:
    """Each row's theme probabilities from heads fitted without its fold."""
    fold = fold_of(len(x))
    out = np.zeros(y.shape)
    for k in range(FOLDS):
        test = fold == k
        w, b = _fit_heads(x[~test], y[~test])
        out[test] = 1.0 / (1.0 + np.exp(-(x[test] @ w.T + b)))
    return out


def f1(predicted: npt.NDArray[np.bool_], truth: npt.NDArray[np.bool_]) -> float:
    """F1 = 2·TP / (2·TP + FP + FN); 0 when there is nothing to find and nothing found."""
    tp = int(np.sum(predicted & truth))
    wrong = int(np.sum(predicted != truth))
    return 0.0 if tp == 0 else 2.0 * tp / (2.0 * tp + wrong)


def best_thresholds(probabilities: FloatArray, y: npt.NDArray[np.bool_]) -> FloatArray:
    """Per theme, the grid threshold with the highest F1 (ties: the one nearest 0.5)."""
    chosen = []
    for j in range(y.shape[1]):
        scores = [(f1(probabilities[:, j] >= t, y[:, j]), -abs(t - 0.5), t) for t in THRESHOLD_GRID]
        chosen.append(max(scores)[2])
    return np.array(chosen, dtype=np.float64)


def train(labelled: LabelledSet, embeddings: FloatArray) -> Heads:
    """Fit theme heads, thresholds and sentiment heads on one labelled set."""
    x = embeddings.astype(np.float64)
    thresholds = best_thresholds(out_of_fold_probabilities(x, labelled.themes), labelled.themes)
    theme_w, theme_b = _fit_heads(x, labelled.themes)
    sentiment_y = labelled.sentiments[:, None] == np.arange(len(SENTIMENTS))[None, :]
    sentiment_w, sentiment_b = _fit_heads(x, sentiment_y)
    from clinwell.comments.encoder import MAX_TOKENS, MODEL_NAME, WEIGHTS_SHA256

    return Heads(
        theme_weights=theme_w,
        theme_bias=theme_b,
        thresholds=thresholds,
        sentiment_weights=sentiment_w,
        sentiment_bias=sentiment_b,
        meta={
            "training_set": labelled.name,
            "training_set_sha256": labelled.sha256,
            "training_rows": len(labelled),
            "model": MODEL_NAME,
            "model_sha256": WEIGHTS_SHA256,
            "max_tokens": MAX_TOKENS,
            "l2": L2,
            "folds": FOLDS,
            "seed": SEED,
        },
    )


def main() -> None:
    """Retrain on the shipped training set and overwrite the shipped heads."""
    from clinwell.comments.encoder import load_encoder

    labelled = load_labelled(TRAIN)
    heads = train(labelled, load_encoder().encode(list(labelled.texts)).astype(np.float64))
    target = Path(__file__).parent / "data" / HEADS_FILE
    heads.save(target)
    print(f"wrote {target} from {len(labelled)} labelled comments")
    for key, threshold in zip(THEME_KEYS, heads.thresholds, strict=True):
        print(f"  {key:26s} threshold {threshold:.2f}")


if __name__ == "__main__":
    main()
