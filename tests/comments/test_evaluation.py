from __future__ import annotations

import numpy as np

from clinwell.comments.classifier import Classification
from clinwell.comments.evaluation import evaluate
from clinwell.comments.labelled import parse_labelled

BODY = """id,text,themes,sentiment
1,a,ehr_documentation,negative
2,b,ehr_documentation;workload_staffing,negative
3,c,workload_staffing,neutral
4,d,,neutral
"""


def test_precision_recall_and_confusion_by_hand() -> None:
    data = parse_labelled(BODY, "hand.csv")
    predicted = [
        Classification(("ehr_documentation",), "negative"),  # right
        Classification(("ehr_documentation",), "negative"),  # misses workload
        Classification(("ehr_documentation", "workload_staffing"), "negative"),  # false ehr
        Classification(("workload_staffing",), "neutral"),  # false workload on a no-theme row
    ]
    result = evaluate(data, predicted)
    ehr, work = result.themes[0], result.themes[1]
    assert (ehr.precision, ehr.recall) == (2 / 3, 1.0)
    assert (work.precision, work.recall) == (1 / 2, 1 / 2)
    assert np.isclose(ehr.f1, 0.8)
    assert np.isclose(work.f1, 0.5)
    assert result.confusion[0, 0] == 2
    assert result.confusion[1, 1] == 1
    assert result.confusion[1, 0] == 1  # a workload comment that got ehr
    assert result.confusion[10, 1] == 1  # a no-theme comment that got workload
    assert result.confusion.sum() == 5
    assert result.sentiment_accuracy == 0.75
    assert result.sentiment_confusion[1, 0] == 1
