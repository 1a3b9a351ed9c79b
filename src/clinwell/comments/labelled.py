"""Labelled comment sets: CSV files with ``id,text,themes,sentiment`` columns.

``themes`` holds theme keys separated by ``;`` (empty = no theme), ``sentiment`` one of
negative, neutral, positive. The shipped sets are ``data/train.csv`` (the classifier learns
from it) and ``data/heldout.csv`` (never used for training or tuning; only for measuring).
How they were labelled: ``data/LABELLING.md``.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt

from clinwell.comments.themes import SENTIMENTS, THEME_KEYS

TRAIN: Final = "train.csv"
HELDOUT: Final = "heldout.csv"
COLUMNS: Final = ("id", "text", "themes", "sentiment")


class LabelledSetError(ValueError):
    """A labelled set is malformed; the message names the file, row and column."""


@dataclass(frozen=True)
class LabelledSet:
    """Texts with a 0/1 theme matrix (columns in :data:`THEME_KEYS` order) and sentiment
    indices (into :data:`SENTIMENTS`)."""

    name: str
    ids: tuple[str, ...]
    texts: tuple[str, ...]
    themes: npt.NDArray[np.bool_]
    sentiments: npt.NDArray[np.int64]
    sha256: str

    def __len__(self) -> int:
        return len(self.texts)


def parse_labelled(text: str, name: str) -> LabelledSet:
    """Parse the CSV text of a labelled set, checking every row."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise LabelledSetError(f"{name}: columns must be {', '.join(COLUMNS)}")
    ids: list[str] = []
    texts: list[str] = []
    labels: list[list[bool]] = []
    sentiments: list[int] = []
    for row_number, row in enumerate(reader, start=2):
        where = f"{name}, row {row_number}"
        keys = [k for k in row["themes"].split(";") if k]
        for key in keys:
            if key not in THEME_KEYS:
                raise LabelledSetError(f"{where}, column 'themes': unknown theme {key!r}")
        if row["sentiment"] not in SENTIMENTS:
            raise LabelledSetError(f"{where}, column 'sentiment': {row['sentiment']!r}")
        if not row["text"].strip():
            raise LabelledSetError(f"{where}, column 'text': empty")
        ids.append(row["id"])
        texts.append(row["text"])
        labels.append([k in keys for k in THEME_KEYS])
        sentiments.append(SENTIMENTS.index(row["sentiment"]))
    if len(set(ids)) != len(ids):
        raise LabelledSetError(f"{name}: ids must be unique")
    return LabelledSet(
        name=name,
        ids=tuple(ids),
        texts=tuple(texts),
        themes=np.array(labels, dtype=np.bool_).reshape(len(texts), len(THEME_KEYS)),
        sentiments=np.array(sentiments, dtype=np.int64),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def load_labelled(source: str | Path) -> LabelledSet:
    """A shipped set by file name (:data:`TRAIN`, :data:`HELDOUT`) or a CSV file by path."""
    if isinstance(source, Path):
        return parse_labelled(source.read_text(encoding="utf-8"), str(source))
    data = resources.files("clinwell.comments").joinpath("data", source)
    return parse_labelled(data.read_text(encoding="utf-8"), source)
