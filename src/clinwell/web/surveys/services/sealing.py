"""Responses are stored sealed: encrypted with a key the database does not hold.

Guarantee: a row of ``surveys_response`` shows its random id, its wave and an opaque blob.
Who answered, in which unit, role or tenure band, with which answers or comment — none of
it can be read without a key derived from ``SECRET_KEY``, which lives in the server's
settings, never in the database. Someone holding a copy of the database (a backup, a
replica, a DBA) therefore has nothing per response to join to the roster or the
invitations. Only the results computation opens the seals, in memory, and everything it
publishes passes the privacy gate (docs/privacy.md, "Confidentiality at rest").

Format of a sealed response: ``b"\\x01" || nonce (12 bytes) || AES-256-GCM(payload)``, where
the payload is the JSON of :class:`Payload`, the key is
``HMAC-SHA256(SECRET_KEY, "clinwell.response-seal.v1:" || wave id)`` and the associated data
is ``"clinwell.response:" || wave id || ":" || response id``, so a blob cannot be moved to
another wave or row unnoticed. AES-GCM: NIST SP 800-38D; random 96-bit nonces are safe far
beyond any wave's size (SP 800-38D §8.3: at most 2^32 invocations per key).

Key rotation: a blob that does not open with ``SECRET_KEY`` is tried with each of
``SECRET_KEY_FALLBACKS`` (Django's own rotation setting); ``clinwell manage reseal_responses``
then re-encrypts every response under the current key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from clinwell.web.surveys.models import Response, Wave

FORMAT: Final = b"\x01"
NONCE_BYTES: Final = 12


class SealError(ValueError):
    """A stored response cannot be opened (wrong key, or the row was altered)."""


class Channel:
    """How a response arrived (kept inside the seal; results may count them apart)."""

    INVITED = "invited"
    LINK = "link"
    IMPORTED = "imported"


@dataclass(frozen=True)
class Payload:
    """Everything stored about one response, all of it inside the seal.

    No day or time: results never use when someone answered, so it is not kept.
    """

    unit_id: int
    role: str
    tenure_band: str
    channel: str
    answers: dict[str, dict[str, Any]]
    scores: dict[str, Any]
    comment: str = ""
    attributes: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "unit": self.unit_id,
                "role": self.role,
                "tenure": self.tenure_band,
                "channel": self.channel,
                "attributes": self.attributes,
                "answers": self.answers,
                "scores": self.scores,
                "comment": self.comment,
            }
        )

    @classmethod
    def from_json(cls, raw: bytes) -> Payload:
        data = orjson.loads(raw)
        return cls(
            unit_id=int(data["unit"]),
            role=str(data["role"]),
            tenure_band=str(data["tenure"]),
            channel=str(data["channel"]),
            answers=data["answers"],
            scores=data["scores"],
            comment=str(data.get("comment") or ""),
            attributes={str(k): str(v) for k, v in (data.get("attributes") or {}).items()},
        )


def _wave_key(secret: str, wave_id: int) -> bytes:
    message = f"clinwell.response-seal.v1:{wave_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).digest()


def _aad(wave_id: int, response_id: uuid.UUID | str) -> bytes:
    return f"clinwell.response:{wave_id}:{_uuid_text(response_id)}".encode()


def _uuid_text(value: uuid.UUID | str) -> str:
    """A response id in the canonical form (``str(uuid)``), from a UUID or from the text a
    database gives for one (32 hex digits on SQLite, the canonical form on PostgreSQL)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}".lower()
    return str(uuid.UUID(value))


def _secrets() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def seal(wave_id: int, response_id: uuid.UUID, payload: Payload) -> bytes:
    """The stored form of ``payload`` for response ``response_id`` of wave ``wave_id``."""
    nonce = os.urandom(NONCE_BYTES)
    cipher = AESGCM(_wave_key(settings.SECRET_KEY, wave_id))
    return FORMAT + nonce + cipher.encrypt(nonce, payload.to_json(), _aad(wave_id, response_id))


class Opener:
    """Opens the sealed responses of one wave (keys derived once per wave)."""

    def __init__(self, wave_id: int) -> None:
        self.wave_id = wave_id
        self._ciphers = [AESGCM(_wave_key(s, wave_id)) for s in _secrets()]

    def open(self, response_id: uuid.UUID, blob: bytes | memoryview) -> Payload:
        return Payload.from_json(self.open_json(response_id, blob))

    def open_json(self, response_id: uuid.UUID | str, blob: bytes | memoryview) -> bytes:
        """The payload's JSON (:meth:`Payload.to_json`) of one sealed response (its id as a
        UUID or as the database's text of one)."""
        data = bytes(blob)
        if not data.startswith(FORMAT) or len(data) <= len(FORMAT) + NONCE_BYTES:
            raise SealError(f"response {response_id} of wave {self.wave_id} is not sealed data")
        nonce = data[1 : 1 + NONCE_BYTES]
        body = data[1 + NONCE_BYTES :]
        aad = _aad(self.wave_id, response_id)
        for cipher in self._ciphers:
            try:
                return cipher.decrypt(nonce, body, aad)
            except InvalidTag:
                continue
        raise SealError(
            f"response {response_id} of wave {self.wave_id} does not open with SECRET_KEY or "
            "any of SECRET_KEY_FALLBACKS (was the key changed without keeping the old one?)"
        )

    def open_all(self, rows: Iterable[tuple[uuid.UUID, bytes | memoryview]]) -> list[Payload]:
        return [self.open(response_id, blob) for response_id, blob in rows]


def store_sealed(wave: Wave, payloads: Sequence[Payload]) -> int:
    """Insert ``payloads`` as sealed responses of ``wave``, in a random order (one query per
    1,000 rows); the caller provides the transaction. Returns how many were stored."""
    shuffled = list(payloads)
    secrets.SystemRandom().shuffle(shuffled)
    Response.objects.bulk_create(
        (Response(id=rid, wave=wave, sealed=blob) for rid, blob in seal_many(wave.pk, shuffled)),
        batch_size=1000,
    )
    return len(shuffled)


def seal_many(wave_id: int, payloads: Sequence[Payload]) -> list[tuple[uuid.UUID, bytes]]:
    """Fresh random ids and seals for ``payloads`` (one key derivation for all)."""
    cipher = AESGCM(_wave_key(settings.SECRET_KEY, wave_id))
    out = []
    for payload in payloads:
        response_id = uuid.uuid4()
        nonce = os.urandom(NONCE_BYTES)
        blob = cipher.encrypt(nonce, payload.to_json(), _aad(wave_id, response_id))
        out.append((response_id, FORMAT + nonce + blob))
    return out
