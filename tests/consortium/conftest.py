"""A valid contribution document to start each bad-file test from."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

VALID: dict[str, Any] = {
    "schema": "clinwell.consortium.contribution",
    "version": 1,
    "member": {"id": "riverside", "name": "Riverside Health"},
    "period": "2026-H1",
    "created_at": "2026-04-02T10:00:00+00:00",
    "software": "clinwell 0.1.0",
    "source": {"wave": "Spring 2026 well-being survey"},
    "privacy": {"min_n": 5},
    "cells": [
        {
            "measure": "single_item_burnout.burnout",
            "kind": "proportion",
            "role": "all",
            "specialty": "all",
            "n": 400,
            "estimate": 0.3725,
            "lower": 0.326,
            "upper": 0.421,
        },
        {
            "measure": "single_item_burnout.burnout",
            "kind": "proportion",
            "role": "physician",
            "specialty": "all",
            "n": 220,
            "estimate": 0.4,
        },
        {
            "measure": "org_wellbeing.documentation_time",
            "kind": "mean",
            "role": "all",
            "specialty": "all",
            "n": 398,
            "estimate": 3.1,
            "sd": 0.9,
        },
        {
            "measure": "ehr.wow8",
            "kind": "mean",
            "role": "all",
            "specialty": "all",
            "n": 150,
            "estimate": 1.3,
            "sd": 0.8,
        },
    ],
    "impacts": [
        {
            "id": "plan-1",
            "interventions": ["team_documentation", "medical_scribes"],
            "measure": "org_wellbeing.documentation_time",
            "estimate": 0.31,
            "se": 0.12,
            "n_treated_before": 40,
            "n_treated_after": 44,
            "n_comparison_before": 300,
            "n_comparison_after": 310,
            "level": "organization",
            "unit_kind": "department",
            "finished_on": "2026-03-01",
        },
    ],
}


@pytest.fixture
def valid() -> Callable[[], dict[str, Any]]:
    """A fresh deep copy of a valid contribution document."""
    return lambda: copy.deepcopy(VALID)
