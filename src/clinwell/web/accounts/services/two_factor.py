"""The second sign-in factor: time-based one-time codes (RFC 6238) and recovery codes.

The authenticator secret is sealed with AES-GCM under a key derived from ``SECRET_KEY``
(previous keys in ``SECRET_KEY_FALLBACKS`` still open it); recovery codes are stored as
HMAC-SHA256 digests. A code's 30-second step is remembered, so no code works twice.

Who must use it (:func:`two_factor_required`): superusers, and anyone who is an
administrator or analyst of an organization; unit leaders and executive viewers too where
their organization asks for it. Enforcement is on by default in production only
(``TWO_FACTOR_ENFORCED``); a person who has set it up is always asked for a code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import pyotp
import segno
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clinwell.web.accounts.models import RecoveryCode, TOTPDevice, User

ISSUER = "clinwell"
RECOVERY_CODES = 10
STEP_SECONDS = 30
ALWAYS_REQUIRED_ROLES = ("admin", "analyst")
ORG_OPTIONAL_ROLES = ("leader", "executive")


def _key(secret_key: str, purpose: bytes) -> bytes:
    return hmac.new(secret_key.encode(), purpose, hashlib.sha256).digest()


def _keys(purpose: bytes) -> list[bytes]:
    return [_key(k, purpose) for k in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]


def _seal(secret: str) -> bytes:
    nonce = secrets.token_bytes(12)
    key = _keys(b"clinwell.totp-secret.v1")[0]
    return nonce + AESGCM(key).encrypt(nonce, secret.encode(), b"totp")


def _open(sealed: bytes | memoryview) -> str:
    data = bytes(sealed)
    for key in _keys(b"clinwell.totp-secret.v1"):
        try:
            return AESGCM(key).decrypt(data[:12], data[12:], b"totp").decode()
        except Exception:  # noqa: S112  (the next key may open it)
            continue
    raise ValueError("the authenticator secret cannot be opened with any configured key")


def _code_hash(code: str) -> str:
    normalized = code.strip().replace("-", "").replace(" ", "").lower()
    key = _keys(b"clinwell.recovery-code.v1")[0]
    return hmac.new(key, normalized.encode(), hashlib.sha256).hexdigest()


def active_user(pk: object) -> User | None:
    """The active account with this id (the one signing in), or None."""
    if not isinstance(pk, int):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def two_factor_required(user: User) -> bool:
    """Whether this person must set up a second factor before using the site."""
    if not getattr(settings, "TWO_FACTOR_ENFORCED", False) or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    memberships = user.memberships.all()
    if memberships.filter(role__in=ALWAYS_REQUIRED_ROLES).exists():
        return True
    return bool(
        memberships.filter(
            role__in=ORG_OPTIONAL_ROLES, organization__require_two_factor=True
        ).exists()
    )


@dataclass
class Enrollment:
    secret: str
    uri: str
    qr_svg: str


def start_enrollment(user: User) -> Enrollment:
    """A new (unconfirmed) secret for the person's authenticator app."""
    secret = pyotp.random_base32()
    TOTPDevice.objects.update_or_create(
        user=user,
        defaults={"sealed_secret": _seal(secret), "confirmed_at": None, "last_step": 0},
    )
    return _enrollment(secret, user)


def pending_enrollment(user: User) -> Enrollment | None:
    device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    return None if device is None else _enrollment(_open(device.sealed_secret), user)


def _enrollment(secret: str, user: User) -> Enrollment:
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    svg = segno.make(uri, error="m").svg_inline(scale=4, omitsize=True, title="Scan this code")
    return Enrollment(secret, uri, svg)


def _accept_code(device: TOTPDevice, code: str, now: float | None = None) -> bool:
    """Check a code against the device (±1 step of clock drift), never a step twice."""
    code = code.strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return False
    totp = pyotp.TOTP(_open(device.sealed_secret))
    moment = time.time() if now is None else now
    current = int(moment // STEP_SECONDS)
    for step in (current - 1, current, current + 1):
        if step <= device.last_step:
            continue
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            device.last_step = step
            device.save(update_fields=["last_step"])
            return True
    return False


def confirm_enrollment(user: User, code: str, now: float | None = None) -> list[str] | None:
    """Confirm the new secret with a first code; the recovery codes (shown once), or None."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed_at__isnull=True)
            .first()
        )
        if device is None or not _accept_code(device, code, now):
            return None
        device.confirmed_at = timezone.now()
        device.save(update_fields=["confirmed_at"])
        return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Replace the person's recovery codes with ten new ones (returned once, stored hashed)."""
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(user=user, code_hash=_code_hash(c)) for c in codes
        )
    return codes


def verify(user: User, code: str, now: float | None = None) -> bool:
    """A one-time code or an unused recovery code of the person (used up if it matches)."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed_at__isnull=False)
            .first()
        )
        if device is None:
            return False
        if _accept_code(device, code, now):
            return True
        used = RecoveryCode.objects.filter(
            user=user, code_hash=_code_hash(code), used_at__isnull=True
        ).update(used_at=timezone.now())
        return used == 1


def remaining_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def disable(user: User) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
