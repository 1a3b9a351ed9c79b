"""An attacker holding a copy of the database, written apart from the product.

It knows nothing of clinwell's models: it reads the schema from the database catalogue and
every row with plain SQL, as someone with a backup would. For each row that stands for one
respondent's submission — any table with a ``wave_id`` column and a column that carries or
marks what someone submitted (answers, scores, text, a sealed blob, a nonce), unless it is
an aggregate (it has an ``n`` column) or names a person (``person_id``) — it works out who
could have written it:

1. the pool: the people the database says responded to that wave (a table with
   ``person_id``, ``wave_id`` and a ``status`` of ``responded``), else the people it says
   were invited, else everyone on the roster (``orgs_person``) of the wave's organization;
2. narrowed by every column the row shares with the pool's table or the roster (for example
   ``unit_id``, ``role``, ``tenure_band``): equal values only;
3. narrowed by the day: a ``date`` column of the row equal to the pool's ``responded_on``;
4. narrowed by what colleagues know about each person beyond the roster — gender, race and
   ethnicity, age band, career stage: if the attacker holds a table :data:`KNOWN`
   (``person_id`` and one column per attribute), every column the row shares with it must
   be equal too. The best guess over all attributes together is the intersection.

Steps 1–4 are one SQL query per table (:func:`candidate_counts`), so the same attack runs on
SQLite and PostgreSQL. A row is *linked* when 1 to k−1 people remain (k = the wave's
``min_n_scores``): its author is determined (1) or narrowed below k.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection

ROSTER = "orgs_person"
KNOWN = "linkage_known_attributes"
"""The attacker's background knowledge: per roster person, their self-described attributes."""
SKIP_COLUMNS = {"id", "wave_id", "person_id", "status", "organization_id"}


@dataclass(frozen=True)
class Link:
    table: str
    row_id: Any
    wave_id: int
    candidates: int
    k: int


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _columns(table: str) -> dict[str, str]:
    """Column name -> a coarse type ("date", "other") from the database catalogue."""
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(cursor, table)
    out = {}
    for column in described:
        type_name = str(connection.introspection.get_field_type(column.type_code, column))
        out[column.name] = "date" if type_name == "DateField" else "other"
    return out


def _tables() -> dict[str, dict[str, str]]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return {name: _columns(name) for name in names}


def _pool_table(tables: dict[str, dict[str, str]]) -> str | None:
    """A table that records, per person and wave, whether they responded (invitations)."""
    for name, columns in tables.items():
        if {"person_id", "wave_id", "status"} <= set(columns):
            return name
    return None


CONTENT = {"answers", "scores", "text", "sealed", "nonce_hash", "comment", "payload"}


def attacked_tables(tables: dict[str, dict[str, str]]) -> list[str]:
    return sorted(
        name
        for name, columns in tables.items()
        if "wave_id" in columns
        and set(columns) & CONTENT
        and "person_id" not in columns
        and "n" not in columns
    )


def candidate_counts(table: str) -> list[tuple[Any, int, int, int]]:
    """(row id, wave id, k, number of possible authors) for every row of ``table``."""
    tables = _tables()
    columns = tables[table]
    pool = _pool_table(tables)
    roster = tables.get(ROSTER, {})
    known = tables.get(KNOWN, {})
    waves = _q("surveys_wave")
    # Columns of the row that colleagues know for each person (absent table: none).
    knowable = [c for c in columns if c in known and c not in SKIP_COLUMNS]

    def knows(person: str) -> list[str]:
        if not knowable:
            return []
        on_known = " AND ".join(f"k.{_q(c)} = t.{_q(c)}" for c in knowable)
        return [f"EXISTS (SELECT 1 FROM {_q(KNOWN)} k WHERE k.person_id = {person} AND {on_known})"]

    selects = []
    params: list[Any] = []
    if pool is not None:
        pool_columns = tables[pool]
        shared = [c for c in columns if c in pool_columns and c not in SKIP_COLUMNS]
        on = [f"p.{_q(c)} = t.{_q(c)}" for c in shared]
        on += knows("p.person_id")
        days = [c for c, kind in columns.items() if kind == "date"]
        if "responded_on" in pool_columns:
            on += [f"p.{_q('responded_on')} = t.{_q(c)}" for c in days]
        condition = " AND ".join(["p.wave_id = t.wave_id", *on]) or "1 = 1"
        # Responded people if the table says who responded, else everyone invited.
        selects.append(
            f"""
            SELECT COUNT(DISTINCT p.person_id) FROM {_q(pool)} p
            WHERE {condition} AND (p.status = %s OR NOT EXISTS (
                SELECT 1 FROM {_q(pool)} r WHERE r.wave_id = t.wave_id AND r.status = %s))
            """
        )
        params += ["responded", "responded"]
        selects.append(f"SELECT COUNT(*) FROM {_q(pool)} p0 WHERE p0.wave_id = t.wave_id")
    shared_roster = [c for c in columns if c in roster and c not in SKIP_COLUMNS]
    on_roster = " AND ".join(
        [
            "o.organization_id = w.organization_id",
            *[f"o.{_q(c)} = t.{_q(c)}" for c in shared_roster],
            *knows(f"o.{_q('id')}"),
        ]
    )
    selects.append(
        f"SELECT COUNT(*) FROM {_q(ROSTER)} o JOIN {waves} w ON w.id = t.wave_id WHERE {on_roster}"
    )
    sql = (
        f"SELECT t.{_q('id')}, t.wave_id, w.min_n_scores, "
        + ", ".join(f"({s})" for s in selects)
        + f" FROM {_q(table)} t JOIN {waves} w ON w.id = t.wave_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out = []
    for row in rows:
        row_id, wave_id, k, *counts = row
        if pool is not None:
            from_pool, pool_size, from_roster = counts
            # An invited wave: the pool narrowed by the row; otherwise the roster.
            candidates = int(from_pool) if pool_size else int(from_roster)
        else:
            (candidates,) = counts
        out.append((row_id, int(wave_id), int(k), int(candidates)))
    return out


def guesses(tables: list[str] | None = None) -> list[Link]:
    """Every row of every attacked table with its number of possible authors."""
    return [
        Link(table, row_id, wave_id, candidates, k)
        for table in tables or attacked_tables(_tables())
        for row_id, wave_id, k, candidates in candidate_counts(table)
    ]


def links(tables: list[str] | None = None) -> list[Link]:
    """Every row whose author is determined or narrowed to fewer than k people."""
    return [g for g in guesses(tables) if 1 <= g.candidates < g.k]


def readable_values(skip: frozenset[str] = frozenset()) -> Iterator[tuple[str, str, Any]]:
    """(table, column, value) of every value in every table but ``skip``, read with SQL."""
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        for table in names:
            if table in skip:
                continue
            cursor.execute(f"SELECT * FROM {_q(table)}")
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                yield from ((table, c, v) for c, v in zip(columns, row, strict=True))
