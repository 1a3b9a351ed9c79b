"""Themes and sentiment of comments: the packaged sentence encoder plus linear heads.

For each theme *t* the head gives p_t = σ(w_t · e + b_t), with *e* the comment's unit-length
embedding (:mod:`clinwell.comments.encoder`); the comment carries *t* when p_t ≥ θ_t, a threshold
chosen by cross-validation on the training set. Sentiment is the class *c* (negative, neutral,
positive) with the largest σ(v_c · e + a_c). Weights and thresholds are fitted by
:mod:`clinwell.comments.training` on ``data/train.csv`` and shipped in ``data/heads.npz``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from clinwell.comments.themes import SENTIMENTS, THEME_KEYS

HEADS_FILE: Final = "heads.npz"
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Heads:
    """Linear heads over the embedding: themes (one row per theme key) and sentiment."""

    theme_weights: FloatArray  # (10, 384)
    theme_bias: FloatArray  # (10,)
    thresholds: FloatArray  # (10,)
    sentiment_weights: FloatArray  # (3, 384)
    sentiment_bias: FloatArray  # (3,)
    meta: dict[str, Any]

    def theme_probabilities(self, embeddings: npt.NDArray[np.floating[Any]]) -> FloatArray:
        z = embeddings.astype(np.float64) @ self.theme_weights.T + self.theme_bias
        return 1.0 / (1.0 + np.exp(-z))

    def sentiment_scores(self, embeddings: npt.NDArray[np.floating[Any]]) -> FloatArray:
        return embeddings.astype(np.float64) @ self.sentiment_weights.T + self.sentiment_bias

    def save(self, path: Any) -> None:
        np.savez(
            path,
            theme_weights=self.theme_weights,
            theme_bias=self.theme_bias,
            thresholds=self.thresholds,
            sentiment_weights=self.sentiment_weights,
            sentiment_bias=self.sentiment_bias,
            meta=np.array(json.dumps(self.meta, sort_keys=True)),
        )


def read_heads(source: Any) -> Heads:
    """Heads from an ``.npz`` file (path or open binary file)."""
    with np.load(source, allow_pickle=False) as data:
        return Heads(
            theme_weights=data["theme_weights"],
            theme_bias=data["theme_bias"],
            thresholds=data["thresholds"],
            sentiment_weights=data["sentiment_weights"],
            sentiment_bias=data["sentiment_bias"],
            meta=json.loads(str(data["meta"])),
        )


@cache
def load_heads() -> Heads:
    """The shipped heads (read once per process)."""
    with resources.files("clinwell.comments").joinpath("data", HEADS_FILE).open("rb") as fh:
        return read_heads(fh)


@dataclass(frozen=True, slots=True)
class Classification:
    """One comment's themes (in :data:`THEME_KEYS` order) and sentiment."""

    themes: tuple[str, ...]
    sentiment: str


def label(heads: Heads, embeddings: npt.NDArray[np.floating[Any]]) -> list[Classification]:
    """Apply the heads to embeddings (one row per comment)."""
    probabilities = heads.theme_probabilities(embeddings)
    chosen = probabilities >= heads.thresholds
    sentiment = np.argmax(heads.sentiment_scores(embeddings), axis=1)
    return [
        Classification(
            themes=tuple(k for k, on in zip(THEME_KEYS, row, strict=True) if on),
            sentiment=SENTIMENTS[int(s)],
        )
        for row, s in zip(chosen, sentiment, strict=True)
    ]


def classify(
    texts: Sequence[str], *, progress: Callable[[int], None] | None = None
) -> list[Classification]:
    """Themes and sentiment of each text, in input order.

    Identical texts (after trimming) are embedded once; blank texts get no theme and a neutral
    sentiment without running the model. ``progress`` is called with the number of distinct
    texts embedded so far (see :func:`distinct_count` for the total).
    """
    from clinwell.comments.encoder import load_encoder

    keys = [t.strip() for t in texts]
    distinct = sorted({k for k in keys if k})
    position = {k: i for i, k in enumerate(distinct)}
    by_text: list[Classification] = []
    if distinct:
        embeddings = load_encoder().encode(distinct, progress=progress)
        by_text = label(load_heads(), embeddings)
    blank = Classification(themes=(), sentiment="neutral")
    return [by_text[position[k]] if k else blank for k in keys]


def distinct_count(texts: Sequence[str]) -> int:
    """How many texts :func:`classify` embeds (distinct, non-blank after trimming)."""
    return len({t.strip() for t in texts} - {""})
