"""Engines that run the EHR expressions: DuckDB (embedded default) and PySpark.

The metrics are one set of Ibis expressions; only connecting and two engine-specific
builtins (epoch microseconds) differ. Both sessions run in UTC, so that a time without an
offset is read as its wall-clock digits and one with an offset as the instant it names;
:mod:`clinwell.ehr.zones` then turns wall-clock times into instants in the organization's zone.

DuckDB spills to disk when data exceed memory: :func:`connect` sets ``memory_limit``
(default 50 % of physical RAM) and ``temp_directory`` (default ``$TMPDIR/clinwell-duckdb``).
"""

from __future__ import annotations

import os
import tempfile
from typing import Any, cast

import duckdb
import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from clinwell.ehr.problems import ParameterError

DEFAULT_MEMORY_LIMIT = "50%"
"""DuckDB memory limit unless told otherwise (on the 24 GiB project machine: 11.7 GiB)."""

ENGINES = ("duckdb", "pyspark")


def default_temp_directory() -> str:
    """Where DuckDB spills: ``$TMPDIR/clinwell-duckdb`` (created on demand)."""
    return os.path.join(tempfile.gettempdir(), "clinwell-duckdb")


def connect(
    engine: str = "duckdb",
    *,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    temp_directory: str | None = None,
    threads: int | None = None,
    spark_session: Any = None,
    spark_config: dict[str, str] | None = None,
) -> Any:
    """Open an Ibis backend for ``engine``.

    Parameters
    ----------
    engine:
        ``"duckdb"`` (embedded, in-memory database that spills to ``temp_directory``) or
        ``"pyspark"`` (a local Spark session unless ``spark_session`` is given, e.g. a
        cluster session from ``SparkSession.builder...getOrCreate()``).
    memory_limit:
        DuckDB ``memory_limit`` (``"8GB"``, ``"50%"``, ...).
    spark_config:
        Extra Spark settings for a locally built session (e.g. ``spark.driver.memory``).
    """
    if engine == "duckdb":
        tmp = temp_directory or default_temp_directory()
        try:
            os.makedirs(tmp, exist_ok=True)
        except OSError as exc:
            raise ParameterError(f"temp_directory: cannot create {tmp}: {exc.strerror}") from exc
        con = ibis.duckdb.connect()
        try:
            con.raw_sql(f"SET memory_limit = '{_quote(memory_limit)}'")
        except duckdb.Error as exc:
            raise ParameterError(
                f"memory_limit: expected a size such as 8GB or 50%, got {memory_limit!r}"
            ) from exc
        con.raw_sql(f"SET temp_directory = '{_quote(tmp)}'")
        con.raw_sql("SET preserve_insertion_order = false")
        con.raw_sql("SET TimeZone = 'UTC'")
        if threads:
            con.raw_sql(f"SET threads = {int(threads)}")
        return con
    if engine == "pyspark":
        session = spark_session or _local_spark(spark_config or {})
        session.conf.set("spark.sql.session.timeZone", "UTC")
        session.conf.set("spark.sql.ansi.enabled", "false")
        return ibis.pyspark.connect(session)
    raise ParameterError(f"engine: expected one of {', '.join(ENGINES)}, got {engine!r}")


def _quote(value: str) -> str:
    return str(value).replace("'", "''")


def _local_spark(extra: dict[str, str]) -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ParameterError(
            "engine: pyspark is not installed (install clinwell's spark extra)"
        ) from exc

    builder = (
        SparkSession.builder.master("local[*]")
        .appName("clinwell-ehr")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.memory", "4g")
    )
    for key, value in extra.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def engine_name(con: Any) -> str:
    """``"duckdb"`` or ``"pyspark"`` for an Ibis backend."""
    name = str(getattr(con, "name", ""))
    if name not in ENGINES:
        raise ParameterError(f"engine: unsupported Ibis backend {name!r}")
    return name


@ibis.udf.scalar.builtin(name="epoch_us")  # type: ignore[untyped-decorator]
def _duckdb_epoch_us(ts: dt.timestamp) -> dt.int64:
    """DuckDB ``epoch_us``: microseconds since 1970-01-01 of a naive timestamp."""


@ibis.udf.scalar.builtin(name="epoch_us")  # type: ignore[untyped-decorator]
def _duckdb_epoch_us_tz(ts: dt.Timestamp(timezone="UTC")) -> dt.int64:  # type: ignore[valid-type]
    """DuckDB ``epoch_us`` of a TIMESTAMPTZ: microseconds since the epoch of the instant."""


@ibis.udf.scalar.builtin(name="unix_micros")  # type: ignore[untyped-decorator]
def _spark_unix_micros(ts: dt.Timestamp(timezone="UTC")) -> dt.int64:  # type: ignore[valid-type]
    """Spark ``unix_micros``: microseconds since the epoch (session time zone UTC)."""


def epoch_us(ts: ir.TimestampValue, engine: str) -> ir.IntegerValue:
    """Whole microseconds since 1970-01-01 00:00 of a timestamp, exact on both engines: the
    instant of a timestamp with a time zone, the wall-clock digits of a naive one."""
    zoned = ts.type().timezone is not None
    if engine == "duckdb":
        fn = _duckdb_epoch_us_tz if zoned else _duckdb_epoch_us
        return cast("ir.IntegerValue", fn(ts))
    return cast("ir.IntegerValue", _spark_unix_micros(ts.cast(dt.Timestamp(timezone="UTC"))))
