"""Record a response: validate, score, consume the link — exactly once.

A submission arrives either with a personal invitation token or through a unit's
anonymous link (with a one-time form nonce). Either way the stored :class:`Response` is a
random id, the wave and a sealed blob (:mod:`~clinwell.web.surveys.services.sealing`) holding
the unit, role, tenure band, answers, scores and comment — nothing readable, and nothing
that points back at the invitation, the nonce or the person.
"""

from __future__ import annotations

import enum
import math
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from django.db import InterfaceError, OperationalError, connection, models, transaction

from clinwell.instruments import get_instrument
from clinwell.instruments.single import score_one
from clinwell.web.orgs.models import Organization
from clinwell.web.surveys.models import (
    AnonymousLink,
    Invitation,
    Response,
    SubmissionReceipt,
    Wave,
)
from clinwell.web.surveys.services.form import ParsedAnswers
from clinwell.web.surveys.services.lifecycle import is_accepting, wave_today
from clinwell.web.surveys.services.sealing import Channel, Payload, seal
from clinwell.web.surveys.services.tokens import token_hash


class Outcome(enum.Enum):
    RECORDED = "recorded"
    DUPLICATE = "duplicate"  # this link or form was already used: nothing new stored
    CLOSED = "closed"


@dataclass(frozen=True)
class Submission:
    outcome: Outcome
    scores: dict[str, dict[str, Any]] = field(default_factory=dict)


Converter = Callable[[Any, Any, Any], Any]


def _column(model: type[models.Model], name: str | None = None) -> str:
    """The quoted column of ``model``'s field ``name`` (its primary key if ``None``)."""
    field = model._meta.pk if name is None else model._meta.get_field(name)
    column = getattr(field, "column", None)
    if not isinstance(column, str):
        raise TypeError(f"{model.__name__}.{name} has no column")
    return connection.ops.quote_name(column)


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(str(model._meta.db_table))


# (model, attribute names, converters per column)
ModelColumns = tuple[type[models.Model], tuple[str, ...], tuple[tuple[Converter, ...], ...]]


@dataclass(frozen=True)
class _RowReader:
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
def _joined_lookup(vendor: str, first: type[models.Model], where: str) -> tuple[str, _RowReader]:
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
    wave_fk, org_fk = _column(first, "wave"), _column(Wave, "organization")
    wave_pk, org_pk = _column(Wave), _column(Organization)
    # Identifiers come from the models' metadata (quoted); values are query parameters.
    sql = " ".join(
        [
            f"SELECT {', '.join(select)}",
            f"FROM {_table(first)} t0",
            f"INNER JOIN {_table(Wave)} t1 ON t1.{wave_pk} = t0.{wave_fk}",
            f"INNER JOIN {_table(Organization)} t2 ON t2.{org_pk} = t1.{org_fk}",
            f"WHERE {where} LIMIT 1",
        ]
    )
    return sql, _RowReader(tuple(readers), tuple(cols))


def _fetch_one(sql: str, params: list[Any]) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _fetch_one_checking_the_connection(sql: str, params: list[Any]) -> Any:
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
        return _fetch_one(sql, params)
    db.health_check_done = True
    try:
        return _fetch_one(sql, params)
    except (OperationalError, InterfaceError):
        connection.close()
        return _fetch_one(sql, params)


def _find_joined(model: type[models.Model], where: str, params: list[Any]) -> Any:
    sql, reader = _joined_lookup(connection.vendor, model, where)
    row = _fetch_one_checking_the_connection(sql, params)
    if row is None:
        return None
    found, wave, organization = reader.read(row)
    wave.organization = organization  # type: ignore[attr-defined]
    found.wave = wave  # type: ignore[attr-defined]
    return found


TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")
"""Every token clinwell issues is base64url text of at most 64 characters; anything else
(a NUL, a path, 300 characters) is not a link of ours and is not looked up."""


def find_invitation(token: str) -> Invitation | None:
    """The invitation whose token hashes to ``sha256(token)``, with its wave and organization."""
    if not TOKEN_SHAPE.match(token):
        return None
    where = f"t0.{connection.ops.quote_name('token_hash')} = %s"
    found: Invitation | None = _find_joined(Invitation, where, [token_hash(token)])
    return found


def find_anonymous_link(token: str) -> AnonymousLink | None:
    """The active anonymous link with this token, with its wave and organization."""
    if not TOKEN_SHAPE.match(token):
        return None
    quote = connection.ops.quote_name
    where = f"t0.{quote('token')} = %s AND t0.{quote('active')} = %s"
    found: AnonymousLink | None = _find_joined(AnonymousLink, where, [token, True])
    return found


def score_parsed(parsed: ParsedAnswers) -> dict[str, dict[str, Any]]:
    """Scores per instrument, as JSON-safe values (unscorable scales are ``None``)."""
    scores: dict[str, dict[str, Any]] = {}
    for instrument_id, answers in parsed.by_instrument.items():
        raw = score_one(get_instrument(instrument_id), answers)
        scores[instrument_id] = {name: _json_value(value) for name, value in raw.items()}
    return scores


def _json_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    number = float(value)
    return None if math.isnan(number) else round(number, 6)


@lru_cache(maxsize=16)
def _insert_sql(vendor: str, model: type[models.Model]) -> tuple[str, tuple[Any, ...]]:
    """``INSERT INTO table (every column) VALUES (%s, …)`` (identifiers from the model)."""
    quote = connection.ops.quote_name
    fields = tuple(model._meta.concrete_fields)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    slots = ", ".join(["%s"] * len(fields))
    table = _table(model)
    sql = " ".join([f"INSERT INTO {table}", f"({columns})", f"VALUES ({slots})"])
    return sql, fields


def _prepared(field: Any, values: dict[str, Any]) -> Any:
    value = values[field.attname] if field.attname in values else field.get_default()
    return field.get_db_prep_save(value, connection)


def _insert(model: type[models.Model], values: dict[str, Any]) -> None:
    """``INSERT`` one row of ``model``: ``values`` by attribute name, the others get their
    field default; each value is prepared by its field exactly as ``Model.save`` prepares it.

    The same statement as ``model.objects.create(**values)`` without building a model
    instance and compiling the insert each time (half a millisecond per row). Valid only for
    models without a ``save`` override, ``pre_save``/``post_save`` receivers or fields that
    fill themselves in on save (``auto_now``); the tests check that for the models used here.
    """
    sql, fields = _insert_sql(connection.vendor, model)
    params = [_prepared(f, values) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


Row = tuple[type[models.Model], dict[str, Any]]  # a model and its values by attribute name


@lru_cache(maxsize=16)
def _insert_select_sql(vendor: str, model: type[models.Model]) -> tuple[str, tuple[Any, ...]]:
    """``INSERT INTO table (every column) SELECT CAST(%s AS type), …`` (a ``FROM`` or
    ``WHERE`` follows).

    Each value is cast to its column's type: a parameter in a ``SELECT`` list, unlike one in
    ``VALUES``, is not given the type of the column it lands in.
    """
    quote = connection.ops.quote_name
    fields = tuple(model._meta.concrete_fields)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    values = ", ".join(f"CAST(%s AS {f.cast_db_type(connection)})" for f in fields)
    return f"INSERT INTO {_table(model)} ({columns}) SELECT {values}", fields


def _record_once(consume_sql: str, consume_params: list[Any], rows: list[Row]) -> bool:
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
            insert_sql, fields = _insert_select_sql(connection.vendor, model)
            parts.append(f", stored_{number} AS ({insert_sql} FROM consumed)")
            params.extend(_prepared(f, values) for f in fields)
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
            _insert(model, values)
    return True


def _response_row(
    wave: Wave,
    unit_id: int,
    role: str,
    tenure_band: str,
    channel: str,
    parsed: ParsedAnswers,
    scores: dict[str, dict[str, Any]],
) -> Row:
    """The sealed response row: a random id, the wave and the encrypted payload."""
    payload = Payload(
        unit_id=unit_id,
        role=role,
        tenure_band=tenure_band,
        channel=channel,
        answers={
            instrument_id: dict(answers) for instrument_id, answers in parsed.by_instrument.items()
        },
        scores={name: value for per in scores.values() for name, value in per.items()},
        comment=parsed.comment,
    )
    response_id = uuid.uuid4()
    return (
        Response,
        {"id": response_id, "wave_id": wave.pk, "sealed": seal(wave.pk, response_id, payload)},
    )


def _wave_open_sql(wave_id: int) -> tuple[str, list[Any]]:
    """``EXISTS (SELECT 1 FROM wave WHERE id = … AND status = 'open' [FOR SHARE])``.

    Part of every consuming statement, so that no response lands in a wave that closed in
    the meantime: on PostgreSQL the share lock waits for a close in progress (which holds
    the wave row ``FOR UPDATE`` while it re-seals), then sees it closed; on SQLite writes
    are serialized, so the check and the write see the same state.
    """
    lock = " FOR SHARE" if connection.vendor == "postgresql" else ""
    sql = (
        f"EXISTS (SELECT 1 FROM {_table(Wave)} WHERE {_column(Wave)} = %s"  # noqa: S608 - identifiers from the model
        f" AND {_column(Wave, 'status')} = %s{lock})"
    )
    return sql, [wave_id, Wave.Status.OPEN.value]


def _consume_invitation_sql(invitation: Invitation, today: date) -> tuple[str, list[Any]]:
    """``UPDATE … SET status = 'responded', responded_on = today WHERE id = … AND NOT status =
    'responded' AND <wave open>``: the row lock makes a concurrent retry of the same link
    update nothing."""
    status = _column(Invitation, "status")
    open_sql, open_params = _wave_open_sql(invitation.wave_id)
    sql = " ".join(
        [
            f"UPDATE {_table(Invitation)}",
            f"SET {status} = %s, {_column(Invitation, 'responded_on')} = %s",
            f"WHERE {_column(Invitation)} = %s AND NOT ({status} = %s) AND {open_sql}",
        ]
    )
    responded = Invitation.Status.RESPONDED.value
    params = [
        responded,
        Invitation._meta.get_field("responded_on").get_db_prep_save(today, connection),
        Invitation._meta.get_field("id").get_db_prep_save(invitation.pk, connection),
        responded,
        *open_params,
    ]
    return sql, params


def _consume_nonce_sql(link: AnonymousLink, nonce: str) -> tuple[str, list[Any]]:
    """``INSERT`` the form's receipt ``… ON CONFLICT (nonce_hash) DO NOTHING``: a retry of
    the same form (same nonce) inserts nothing, even while the first is in flight."""
    values = {
        "wave_id": link.wave_id,
        "link_id": link.pk,
        "nonce_hash": token_hash(nonce),
        "received_on": wave_today(link.wave),
    }
    insert_sql, fields = _insert_select_sql(connection.vendor, SubmissionReceipt)
    open_sql, open_params = _wave_open_sql(link.wave_id)
    params = [_prepared(f, values) for f in fields] + open_params
    conflict = f"ON CONFLICT ({_column(SubmissionReceipt, 'nonce_hash')}) DO NOTHING"
    return f"{insert_sql} WHERE {open_sql} {conflict}", params


def submit_with_invitation(invitation: Invitation, parsed: ParsedAnswers) -> Submission:
    """Consume the invitation and store the response atomically (idempotent)."""
    wave = invitation.wave
    if invitation.status == Invitation.Status.RESPONDED:
        return Submission(Outcome.DUPLICATE)
    if not is_accepting(wave):
        return Submission(Outcome.CLOSED)
    scores = score_parsed(parsed)
    row = _response_row(
        wave,
        invitation.unit_id,
        invitation.role,
        invitation.tenure_band,
        Channel.INVITED,
        parsed,
        scores,
    )
    if not _record_once(*_consume_invitation_sql(invitation, wave_today(wave)), [row]):
        return Submission(_not_recorded(wave))
    return Submission(Outcome.RECORDED, scores)


def submit_with_anonymous_link(
    link: AnonymousLink, nonce: str, parsed: ParsedAnswers, *, role: str, tenure_band: str
) -> Submission:
    """Store a response from a unit's anonymous link; the nonce makes retries idempotent."""
    wave = link.wave
    if not is_accepting(wave):
        return Submission(Outcome.CLOSED)
    if not nonce:
        return Submission(Outcome.DUPLICATE)
    scores = score_parsed(parsed)
    row = _response_row(wave, link.unit_id, role, tenure_band, Channel.LINK, parsed, scores)
    if not _record_once(*_consume_nonce_sql(link, nonce), [row]):
        return Submission(_not_recorded(wave))
    return Submission(Outcome.RECORDED, scores)


def _not_recorded(wave: Wave) -> Outcome:
    """Why a consuming statement changed nothing: the wave closed meanwhile, or a concurrent
    retry of the same link or form got there first."""
    status = Wave.objects.filter(pk=wave.pk).values_list("status", flat=True).first()
    return Outcome.DUPLICATE if status == Wave.Status.OPEN else Outcome.CLOSED
