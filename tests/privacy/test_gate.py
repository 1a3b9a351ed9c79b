from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

from clinwell.privacy import (
    Dimension,
    DisclosurePolicy,
    Measure,
    PrivacyError,
    RequestError,
    TableRequest,
    release,
)
from clinwell.stats import mean_interval
from tests.privacy.attack import attack


def _units(spec: dict[str, int]) -> list[str]:
    return [unit for unit, count in spec.items() for _ in range(count)]


def test_primary_and_tree_complementary_suppression() -> None:
    # A = A/x (2) + A/y (10) + A/z (9): hiding A/x alone would leave A - A/y - A/z = 2
    units = _units({"A/x": 2, "A/y": 10, "A/z": 9, "B": 7})
    table = release(
        TableRequest((Dimension("unit", units, hierarchical=True),)), DisclosurePolicy()
    )
    assert table.cell(unit="A/x").suppressed
    assert table.cell(unit="A/z").suppressed  # the smallest visible sibling
    assert not table.cell(unit="A/y").suppressed
    assert table.cell(unit="A").n == 21
    assert table.cell().n == 28


def test_direct_responses_of_an_inner_unit_are_protected() -> None:
    # 3 responses attached to A itself: A - A/y would reveal them
    units = _units({"A": 3, "A/y": 10, "B": 8})
    table = release(
        TableRequest((Dimension("unit", units, hierarchical=True),)), DisclosurePolicy()
    )
    assert table.cell(unit="A").suppressed or table.cell(unit="A/y").suppressed


def test_cross_cut_complementary_suppression() -> None:
    units = _units({"A": 12, "B": 20})
    roles = ["rn"] * 2 + ["md"] * 10 + ["rn"] * 10 + ["md"] * 10
    request = TableRequest((Dimension("unit", units, hierarchical=True), Dimension("role", roles)))
    table = release(request, DisclosurePolicy())
    assert table.cell(unit="A", role="rn").suppressed
    assert table.cell(unit="A", role="md").suppressed  # A - A x md would reveal A x rn
    # and across units: role rn total - B x rn would reveal A x rn
    assert table.cell(role="rn").suppressed or table.cell(unit="B", role="rn").suppressed


def test_estimates_are_computed_only_for_published_cells() -> None:
    rng = np.random.default_rng(0)
    units = _units({"A": 40, "B": 3, "C": 20})
    burnout = (rng.random(63) < 0.4).astype(float)
    hours = rng.normal(50, 8, 63)
    request = TableRequest(
        (Dimension("unit", units, hierarchical=True),),
        (Measure.proportion("burnout", burnout), Measure.mean("hours", hours)),
    )
    table = release(request, DisclosurePolicy())
    a = table.cell(unit="A")
    x = int(burnout[:40].sum())
    lo, up = proportion_confint(x, 40, method="wilson")
    est = a.estimates["burnout"]
    assert est is not None
    assert est.estimate == pytest.approx(x / 40)
    assert est.lower == pytest.approx(lo)
    assert est.upper == pytest.approx(up)
    ref = mean_interval(hours[:40])
    h = a.estimates["hours"]
    assert h is not None
    assert h.estimate == pytest.approx(ref.estimate)
    assert h.lower == pytest.approx(ref.lower)
    assert h.upper == pytest.approx(ref.upper)
    assert h.sd == pytest.approx(hours[:40].std(ddof=1))
    b = table.cell(unit="B")
    assert b.suppressed
    assert b.to_record() == {"unit": "B", "suppressed": True}
    # B is hidden, so the total minus A minus C must not reveal it: C (the smallest) goes too
    assert table.cell(unit="C").suppressed
    assert table.cell().n == 63


def test_a_measure_answered_by_few_is_withheld_in_a_published_cell() -> None:
    units = _units({"A": 10, "B": 10})
    answers = [1.0, 0.0, 1.0] + [np.nan] * 7 + [1.0] * 10
    request = TableRequest(
        (Dimension("unit", units, hierarchical=True),), (Measure.proportion("q", answers),)
    )
    table = release(request, DisclosurePolicy())
    a = table.cell(unit="A")
    assert not a.suppressed
    assert a.estimates["q"] is None
    assert a.to_record()["q"]["suppressed"] is True
    assert table.cell(unit="B").estimates["q"] is None  # total - B would reveal A's answers
    total = table.cell().estimates["q"]
    assert total is not None
    assert total.n == 13


def test_comments_use_their_own_threshold_and_are_sorted() -> None:
    units = _units({"A": 7, "B": 12})
    texts = [f"a{i}" for i in range(7)] + ["z", None, "b", *([None] * 9)]
    request = TableRequest(
        (Dimension("unit", units, hierarchical=True),), (Measure.comments("comment", texts),)
    )
    table = release(request, DisclosurePolicy(min_n_scores=5, min_n_comments=10))
    assert table.cell(unit="A").n == 7
    assert table.cell(unit="A").comments["comment"] is None
    assert table.cell(unit="B").comments["comment"] is None  # total - B = A
    total = table.cell().comments["comment"]
    assert total is not None
    assert list(total) == sorted(total)
    assert len(total) == 9


def test_empty_cells_may_be_published_with_n_zero() -> None:
    units = _units({"A": 6, "B": 6})
    roles = ["md"] * 6 + ["md"] * 6
    answers = [np.nan] * 12
    request = TableRequest(
        (Dimension("unit", units, hierarchical=True), Dimension("role", roles)),
        (Measure.mean("hours", answers),),
    )
    table = release(request, DisclosurePolicy())
    cell = table.cell(unit="A", role="md")
    assert not cell.suppressed
    est = cell.estimates["hours"]
    assert est is not None
    assert est.n == 0
    assert est.estimate is None


def test_records_and_csv_have_the_documented_shape() -> None:
    units = _units({"A": 6, "B": 2})
    request = TableRequest(
        (Dimension("unit", units, hierarchical=True),),
        (Measure.proportion("burnout", [1, 0, 1, 0, 1, 0, 1, 1]),),
    )
    table = release(request, DisclosurePolicy())
    records = {r["unit"]: r for r in table.records()}
    assert records["B"] == {"unit": "B", "suppressed": True}
    assert records["A"] == {"unit": "A", "suppressed": True}  # total - A would reveal B
    assert set(records["*"]) == {"unit", "suppressed", "n", "burnout"}
    assert set(records["*"]["burnout"]) == {"estimate", "lower", "upper"}
    assert table.csv_header() == [
        "unit",
        "suppressed",
        "n",
        "burnout_estimate",
        "burnout_lower",
        "burnout_upper",
    ]
    assert all(len(row) == 6 for row in table.csv_rows())


def test_publish_total_false_never_pools_the_dimension() -> None:
    waves = ["w1"] * 6 + ["w2"] * 7
    table = release(
        TableRequest((Dimension("wave", waves, publish_total=False),)), DisclosurePolicy()
    )
    assert {c.value("wave") for c in table.cells} == {"w1", "w2"}


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Dimension("unit", ["A", ""]), "row 1: missing value"),
        (lambda: Dimension("role", ["*"]), "reserved"),
        (lambda: Dimension("unit", ["A//B"], hierarchical=True), "invalid unit path"),
        (lambda: Measure.proportion("q", [0, 2]), "row 1"),
        (
            lambda: TableRequest((Dimension("a", ["x"]), Dimension("b", ["x", "y"]))),
            "different lengths",
        ),
        (lambda: TableRequest((Dimension("a", ["x"]),), cuts=(("zz",),)), "unknown dimension"),
        (
            lambda: release(TableRequest((Dimension("n", ["x"]),)), DisclosurePolicy()),
            "reserved name",
        ),
        (lambda: DisclosurePolicy(min_n_scores=0), "min_n_scores"),
    ],
)
def test_bad_requests_raise_clear_errors(build: object, message: str) -> None:
    with pytest.raises(PrivacyError, match=message):
        build()  # type: ignore[operator]


def test_strictest_policy() -> None:
    got = DisclosurePolicy.strictest(DisclosurePolicy(5, 10), DisclosurePolicy(8, 6))
    assert got == DisclosurePolicy(8, 10)
    assert issubclass(RequestError, ValueError)


def test_a_single_clinic_department_does_not_hide_its_site() -> None:
    # S/D1/C1 has 3 people; S/D2 has a single clinic, so S/D2 and S/D2/C2 are one
    # population and must be hidden together; S itself is then still determined by the
    # total minus T minus U, so hiding it would protect nothing and it stays published
    units = _units(
        {"S/D1/C1": 3, "S/D2/C2": 30, "T/D3/C3": 40, "T/D4/C4": 50, "U/D5/C5": 60, "U/D6/C6": 70}
    )
    request = TableRequest((Dimension("unit", units, hierarchical=True),))
    for audit in ("whole", "pieces"):
        table = release(request, DisclosurePolicy(), audit=audit)
        hidden = {c.value("unit") for c in table.cells if c.suppressed}
        assert hidden == {"S/D1", "S/D1/C1", "S/D2", "S/D2/C2"}
        assert table.cell(unit="S").n == 33
        rows = [{"unit": u} for u in units]
        published = [dict(c.key) for c in table.cells if not c.suppressed]
        assert attack(rows, published, {"unit"}, 5) == []


def test_single_threaded_blas_restores_the_thread_count() -> None:
    from threadpoolctl import threadpool_limits

    from clinwell.privacy.threads import blas_thread_counts, single_threaded_blas

    assert blas_thread_counts()  # numpy's (and scipy's) BLAS are found
    with threadpool_limits(limits=2, user_api="blas"):  # a known starting point above 1
        before = blas_thread_counts()
        assert max(before) == 2
        with single_threaded_blas():
            assert set(blas_thread_counts()) == {1}
            with single_threaded_blas():  # re-entrant
                assert set(blas_thread_counts()) == {1}
            assert set(blas_thread_counts()) == {1}
        assert blas_thread_counts() == before
