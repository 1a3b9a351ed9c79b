from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from clinwell.stats import StatsInputError, benjamini_hochberg


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=60), st.sampled_from([0.01, 0.05, 0.2]))
def test_matches_statsmodels_fdr_bh(p_values: list[float], q: float) -> None:
    got = benjamini_hochberg(p_values, q)
    rejected, adjusted, _, _ = multipletests(p_values, alpha=q, method="fdr_bh")
    assert np.allclose(got.adjusted, adjusted, rtol=1e-12, atol=1e-15)
    assert list(got.rejected) == rejected.tolist()


def test_empty_and_invalid_input() -> None:
    assert benjamini_hochberg([]).adjusted == ()
    with pytest.raises(StatsInputError):
        benjamini_hochberg([0.2, 1.5])
