"""DANGEROUS CONSTRUCT: the results cache is written with hand-written SQL, bypassing the ORM.

Read docs "Dangerous constructs" in CONTRIBUTING.md before changing anything here.

What it bypasses, and why: a wave's release is written in one transaction, about 17,500
rows of JSON for 100,000 responses with their cuts. ``bulk_create`` built a model instance
per row, compiled every batch and encoded each JSON value with the standard library: 2.2–2.8 s
of the cold computation, against 0.6 s for one ``executemany`` of the same rows with JSON
encoded by orjson (docs/performance.md, "With cuts"). Identifiers come from the model's
metadata (quoted); every value is a query parameter, prepared by its field exactly as
``Model.save`` prepares it, except JSON, which orjson encodes. orjson writes the same JSON
for what the cache holds (dicts with string keys, lists, strings, finite numbers, booleans,
None); a NaN would become ``null`` where the standard library writes ``NaN`` (which
PostgreSQL refuses), and the estimates are rounded to finite values or None before they get
here (:func:`clinwell.web.results.services.gate.released_cells`). ``None`` in a nullable
JSON field is SQL NULL, in another JSON ``null``, as Django stores them.

Valid only for models without a ``save`` override, ``pre_save``/``post_save`` receivers or
fields that fill themselves in on save (``auto_now``). Guarded by
``tests/web/results/test_raw_sql.py`` (the model stays plain; rows read back through the
ORM equal what was written, on SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from django.db import connection, models

_JSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def insert_rows(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> int:
    """``INSERT`` ``rows`` of ``model`` (values by attribute name; the others get their
    field's default; an automatic primary key is left to the database) in one
    ``executemany``; the caller provides the transaction. Returns how many were written."""
    if not rows:
        return 0
    quote = connection.ops.quote_name
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
    ]
    columns = ", ".join(quote(str(f.column)) for f in fields)
    slots = ", ".join(["%s"] * len(fields))
    # identifiers from the model's metadata, quoted; values only as parameters
    sql = f"INSERT INTO {quote(str(model._meta.db_table))} ({columns}) VALUES ({slots})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[_prepared(f, row) for f in fields] for row in rows])
    return len(rows)


def _prepared(field: Any, row: dict[str, Any]) -> Any:
    value = row[field.attname] if field.attname in row else field.get_default()
    if isinstance(field, models.JSONField):
        if value is None:  # SQL NULL where the field allows it, else JSON null (as Django)
            return None if field.null else "null"
        return orjson.dumps(value, option=_JSON_OPTIONS).decode()
    return field.get_db_prep_save(value, connection)
