"""DANGEROUS CONSTRUCT: hand-written SQL on the respondent path, bypassing the ORM.

Read docs "Dangerous constructs" in CONTRIBUTING.md before changing anything here.

What it bypasses, and why: opening and submitting a survey link are the hottest paths of
a launch morning (docs/performance.md, "Launch day"). Building and compiling a queryset for
the joined lookup of a link, and a model instance per insert, were the largest costs of a
request; here the statements are compiled once per model and database vendor
(:func:`joined_lookup`, :func:`insert_sql`, :func:`insert_select_sql`), and the consuming
update plus the response insert run as one data-modifying ``WITH`` statement on PostgreSQL
(:func:`record_once`). Every identifier comes from the models' metadata (quoted); every
value is a query parameter prepared by its field exactly as ``Model.save`` prepares it.

Valid only for models without a ``save`` override, ``pre_save``/``post_save`` receivers or
fields that fill themselves in on save (``auto_now``). Guarded by
``tests/web/surveys/test_respondent_stack.py`` (the models used here stay plain; the joined
lookup equals the ORM's) and ``tests/web/surveys/test_submissions.py`` (exactly once under 8
concurrent writers on PostgreSQL, all or nothing when an insert fails, a dropped connection).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import InterfaceError, OperationalError, connection, models, transaction

from clinwell.web.orgs.models import Organization
from clinwell.web.surveys.models import Wave

Converter = Callable[[Any, Any, Any], Any]


def column(model: type[models.Model], name: str | None = None) -> str:
    """The quoted column of ``model``'s field ``name`` (its primary key if ``None``)."""
    field = model._meta.pk if name is None else model._meta.get_field(name)
    column = getattr(field, "column", None)
    if not isinstance(column, str):
        raise TypeError(f"{model.__name__}.{name} has no column")
    return connection.ops.quote_name(column)


def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(str(model._meta.db_table))


# (model, attribute names, converters per column)
ModelColumns = tuple[type[models.Model], tuple[str, ...], tuple[tuple[Converter, ...], ...]]


@dataclass(frozen=True)
class RowReader:
    """Builds model instances from one joined row, as the ORM's ``select_related`` would."""

    parts: tuple[ModelColumns, ...]
    columns: tuple[Any, ...]  # the Col expression per selected column, for the converters

    def read(self, row: Sequence[Any]) -> list[models.Model]:
        instances = []
        at = 0
        for model, attnames, converters in self.parts:
            values = []
            for offset, convert in enumerate(converters):
                value = row[at + offset]
                for fn in convert:
                    value = fn(value, self.columns[at + offset], connection)
                values.append(value)
            instances.append(model.from_db(connection.alias, list(attnames), values))
            at += len(attnames)
        return instances


@lru_cache(maxsize=4)
def joined_lookup(vendor: str, first: type[models.Model], where: str) -> tuple[str, RowReader]:
    """``SELECT`` one row of ``first`` joined to its wave and organization, compiled once.

    The same single query as ``first.objects.select_related("wave", "wave__organization")
    .filter(...)[:1]`` (every concrete column of the three tables, the database's own value
    converters applied), without building and compiling a queryset on every request: that
    compilation was the largest single cost of opening a survey link.
    """
    quote = connection.ops.quote_name
    chain: list[tuple[type[models.Model], str]] = [
        (first, "t0"),
        (Wave, "t1"),
        (Organization, "t2"),
    ]
    select: list[str] = []
    cols: list[Any] = []
    readers = []
    for model, alias in chain:
        fields = model._meta.concrete_fields
        converters = []
        for f in fields:
            col = f.get_col(alias)
            select.append(f"{alias}.{quote(str(f.column))}")
            cols.append(col)
            converters.append(
                tuple(connection.ops.get_db_converters(col) + f.get_db_converters(connection))
            )
        readers.append((model, tuple(f.attname for f in fields), tuple(converters)))
    wave_fk, org_fk = column(first, "wave"), column(Wave, "organization")
    wave_pk, org_pk = column(Wave), column(Organization)
    # Identifiers come from the models' metadata (quoted); values are query parameters.
    sql = " ".join(
        [
            f"SELECT {', '.join(select)}",
            f"FROM {table(first)} t0",
            f"INNER JOIN {table(Wave)} t1 ON t1.{wave_pk} = t0.{wave_fk}",
            f"INNER JOIN {table(Organization)} t2 ON t2.{org_pk} = t1.{org_fk}",
            f"WHERE {where} LIMIT 1",
        ]
    )
    return sql, RowReader(tuple(readers), tuple(cols))


def fetch_one(sql: str, params: list[Any]) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def fetch_one_checking_the_connection(sql: str, params: list[Any]) -> Any:
    """Run a read that is the request's first query; it stands in for Django's health check.

    With ``CONN_HEALTH_CHECKS``, Django tests a reused connection with a query of its own
    (``SELECT 1`` on PostgreSQL) before the first query of every request: a round trip per
    survey page. Here the read itself is the test: Django's check is marked done and, if the
    connection turns out broken (the database restarted or dropped it), it is closed and the
    read — safe to repeat — runs once more on a new connection, as Django's check would have
    arranged. Inside a transaction, or when Django's check is off or done, it is a plain read.
    """
    db: Any = connection  # the health-check attributes are missing from django-stubs
    checking = (
        db.connection is not None
        and db.health_check_enabled
        and not db.health_check_done
        and not db.in_atomic_block
    )
    if not checking:
        return fetch_one(sql, params)
    db.health_check_done = True
    try:
        return fetch_one(sql, params)
    except (OperationalError, InterfaceError):
        connection.close()
        return fetch_one(sql, params)


def find_joined(model: type[models.Model], where: str, params: list[Any]) -> Any:
    sql, reader = joined_lookup(connection.vendor, model, where)
    row = fetch_one_checking_the_connection(sql, params)
    if row is None:
        return None
    found, wave, organization = reader.read(row)
    wave.organization = organization  # type: ignore[attr-defined]
    found.wave = wave  # type: ignore[attr-defined]
    return found


@lru_cache(maxsize=16)
def insert_sql(vendor: str, model: type[models.Model]) -> tuple[str, tuple[Any, ...]]:
    """``INSERT INTO table (every column) VALUES (%s, …)`` (identifiers from the model)."""
    quote = connection.ops.quote_name
    fields = tuple(model._meta.concrete_fields)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    slots = ", ".join(["%s"] * len(fields))
    sql = " ".join([f"INSERT INTO {table(model)}", f"({columns})", f"VALUES ({slots})"])
    return sql, fields


def prepared(field: Any, values: dict[str, Any]) -> Any:
    value = values[field.attname] if field.attname in values else field.get_default()
    return field.get_db_prep_save(value, connection)


def insert(model: type[models.Model], values: dict[str, Any]) -> None:
    """``INSERT`` one row of ``model``: ``values`` by attribute name, the others get their
    field default; each value is prepared by its field exactly as ``Model.save`` prepares it.

    The same statement as ``model.objects.create(**values)`` without building a model
    instance and compiling the insert each time (half a millisecond per row). Valid only for
    models without a ``save`` override, ``pre_save``/``post_save`` receivers or fields that
    fill themselves in on save (``auto_now``); the tests check that for the models used here.
    """
    sql, fields = insert_sql(connection.vendor, model)
    params = [prepared(f, values) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


Row = tuple[type[models.Model], dict[str, Any]]  # a model and its values by attribute name


@lru_cache(maxsize=16)
def insert_select_sql(vendor: str, model: type[models.Model]) -> tuple[str, tuple[Any, ...]]:
    """``INSERT INTO table (every column) SELECT CAST(%s AS type), …`` (a ``FROM`` or
    ``WHERE`` follows).

    Each value is cast to its column's type: a parameter in a ``SELECT`` list, unlike one in
    ``VALUES``, is not given the type of the column it lands in.
    """
    quote = connection.ops.quote_name
    fields = tuple(model._meta.concrete_fields)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    values = ", ".join(f"CAST(%s AS {f.cast_db_type(connection)})" for f in fields)
    return f"INSERT INTO {table(model)} ({columns}) SELECT {values}", fields


def record_once(consume_sql: str, consume_params: list[Any], rows: list[Row]) -> bool:
    """Run ``consume_sql`` and, only if it changed a row, insert ``rows``: all or nothing.

    ``consume_sql`` is a statement that changes at most one row and changes none when the
    link or form was already used (an ``UPDATE … WHERE NOT responded`` or an ``INSERT … ON
    CONFLICT DO NOTHING``); ``True`` if it changed one, i.e. this call recorded the response.

    On PostgreSQL it is one data-modifying ``WITH`` statement — ``WITH consumed AS
    (consume_sql RETURNING 1), stored_0 AS (INSERT … SELECT … FROM consumed), … SELECT
    count(*) FROM consumed`` — which is atomic on its own: one round trip instead of BEGIN,
    UPDATE, INSERTs and COMMIT (docs/performance.md, "Launch day"). A concurrent retry of
    the same link waits on the row lock (or the unique index), then finds the row consumed
    and inserts nothing. Other databases run the same steps in a transaction.
    """
    if connection.vendor == "postgresql":
        parts = [f"WITH consumed AS ({consume_sql} RETURNING 1)"]
        params = list(consume_params)
        for number, (model, values) in enumerate(rows):
            # One row if the ``consumed`` step returned a row, none otherwise.
            insert_sql, fields = insert_select_sql(connection.vendor, model)
            parts.append(f", stored_{number} AS ({insert_sql} FROM consumed)")
            params.extend(prepared(f, values) for f in fields)
        parts.append(" SELECT count(*) FROM consumed")
        with connection.cursor() as cursor:
            cursor.execute("".join(parts), params)
            (consumed,) = cursor.fetchone()
        return bool(consumed == 1)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(consume_sql, consume_params)
            if cursor.rowcount != 1:
                return False
        for model, values in rows:
            insert(model, values)
    return True


def wave_open_sql(wave_id: int) -> tuple[str, list[Any]]:
    """``EXISTS (SELECT 1 FROM wave WHERE id = … AND status = 'open' [FOR SHARE])``.

    Part of every consuming statement, so that no response lands in a wave that closed in
    the meantime: on PostgreSQL the share lock waits for a close in progress (which holds
    the wave row ``FOR UPDATE`` while it re-seals), then sees it closed; on SQLite writes
    are serialized, so the check and the write see the same state.
    """
    lock = " FOR SHARE" if connection.vendor == "postgresql" else ""
    sql = (
        f"EXISTS (SELECT 1 FROM {table(Wave)} WHERE {column(Wave)} = %s"  # noqa: S608 - identifiers from the model
        f" AND {column(Wave, 'status')} = %s{lock})"
    )
    return sql, [wave_id, Wave.Status.OPEN.value]
