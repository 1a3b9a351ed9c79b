from __future__ import annotations

import numpy as np
import statsmodels.api as sm

from clinwell.comments.classifier import load_heads
from clinwell.comments.labelled import TRAIN, load_labelled
from clinwell.comments.training import balanced_weights, best_thresholds, fit_logistic, fold_of


def test_shipped_heads_were_fitted_on_the_shipped_training_set() -> None:
    # Fails after editing data/train.csv until `python -m clinwell.comments.training` is rerun.
    meta = load_heads().meta
    assert meta["training_set_sha256"] == load_labelled(TRAIN).sha256
    assert meta["training_rows"] == len(load_labelled(TRAIN))


def _data(seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(300, 4))
    y = rng.random(300) < 1 / (1 + np.exp(-(x @ [1.0, -2.0, 0.5, 0.0] + 0.3)))
    return x, y


def test_unpenalized_fit_equals_statsmodels_logit() -> None:
    x, y = _data()
    w, b = fit_logistic(x, y, l2=0.0)
    reference = sm.Logit(y.astype(float), sm.add_constant(x)).fit(disp=0).params
    assert np.allclose(np.r_[b, w], reference, atol=1e-6)


def test_penalized_weighted_fit_satisfies_its_optimality_condition() -> None:
    x, y = _data(2)
    s = balanced_weights(y)
    w, b = fit_logistic(x, y, l2=0.7, weights=s)
    p = 1 / (1 + np.exp(-(x @ w + b)))
    assert np.allclose(x.T @ (s * (p - y)) + 0.7 * w, 0.0, atol=1e-8)
    assert abs(np.sum(s * (p - y))) < 1e-8  # the bias is not penalized


def test_balanced_weights_give_both_classes_equal_total_weight() -> None:
    y = np.array([True, False, False, False])
    s = balanced_weights(y)
    assert s[y].sum() == s[~y].sum() == 2.0


def test_threshold_is_the_f1_maximizer() -> None:
    p = np.array([[0.9], [0.7], [0.42], [0.38], [0.3], [0.1]])
    y = np.array([[True], [True], [True], [False], [False], [False]])
    assert best_thresholds(p, y)[0] == 0.4  # catches all three, no false positive


def test_folds_are_balanced_and_seeded() -> None:
    folds = fold_of(23)
    assert np.array_equal(folds, fold_of(23))
    assert sorted(np.bincount(folds)) == [4, 4, 5, 5, 5]
