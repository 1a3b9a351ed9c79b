from __future__ import annotations

import pytest

from clinwell.comments.duplicates import normalized_words
from clinwell.comments.labelled import (
    HELDOUT,
    TRAIN,
    LabelledSetError,
    load_labelled,
    parse_labelled,
)


def test_shipped_sets_parse_and_cover_every_theme() -> None:
    for name in (TRAIN, HELDOUT):
        data = load_labelled(name)
        assert len(data) > 100
        assert data.themes.sum(axis=0).min() >= 10, name
        assert (~data.themes.any(axis=1)).sum() >= 10, name  # comments with no theme


def test_the_held_out_set_shares_no_comment_with_the_training_set() -> None:
    def key(text: str) -> str:
        return " ".join(normalized_words(text))

    train = {key(t) for t in load_labelled(TRAIN).texts}
    assert not [t for t in load_labelled(HELDOUT).texts if key(t) in train]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("id,text,themes\n1,a,\n", "columns must be id, text, themes, sentiment"),
        (
            "id,text,themes,sentiment\n1,a,pay,negative\n",
            "row 2, column 'themes': unknown theme 'pay'",
        ),
        ("id,text,themes,sentiment\n1,a,,angry\n", "row 2, column 'sentiment': 'angry'"),
        ("id,text,themes,sentiment\n1,a,,neutral\n2, ,,neutral\n", "row 3, column 'text': empty"),
        ("id,text,themes,sentiment\n1,a,,neutral\n1,b,,neutral\n", "ids must be unique"),
    ],
)
def test_malformed_sets_are_refused_naming_row_and_column(body: str, message: str) -> None:
    with pytest.raises(LabelledSetError, match=message):
        parse_labelled(body, "mine.csv")
