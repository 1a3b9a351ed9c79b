"""Shared fixtures for the EHR engine tests: one Spark session for the whole run."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from clinwell.synth.audit_log import AuditLog, generate_audit_log


def spark_available() -> bool:
    return shutil.which("java") is not None and importlib.util.find_spec("pyspark") is not None


@pytest.fixture(scope="session")
def spark_con() -> Iterator[Any]:
    """An Ibis PySpark backend on one local session (starting Spark is slow)."""
    if not spark_available():
        pytest.skip("Java or pyspark not available")
    from clinwell.ehr import connect

    con = connect(
        "pyspark",
        spark_config={"spark.driver.memory": "2g", "spark.sql.shuffle.partitions": "2"},
    )
    yield con
    con._session.stop()


@pytest.fixture(scope="session")
def small_log() -> AuditLog:
    """A small planted log: 6 clinicians, 5 weeks."""
    return generate_audit_log(clinicians=6, days=35, seed=11)
