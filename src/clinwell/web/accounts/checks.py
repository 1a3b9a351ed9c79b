"""``manage.py check --deploy`` warnings for sign-in security settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def sign_in_settings(app_configs: Any, **kwargs: Any) -> list[Warning]:
    warnings = []
    if not getattr(settings, "TWO_FACTOR_ENFORCED", False):
        warnings.append(
            Warning(
                "TWO_FACTOR_ENFORCED is off: administrators and analysts can sign in "
                "with a password alone.",
                id="clinwell.W001",
            )
        )
    if getattr(settings, "ADMIN_ENABLED", False):
        warnings.append(
            Warning(
                "ADMIN_ENABLED is on: Django's admin is served at /admin/ (superusers only).",
                id="clinwell.W002",
            )
        )
    if not getattr(settings, "AUDIT_HMAC_KEY", ""):
        warnings.append(
            Warning(
                "AUDIT_HMAC_KEY is not set: the audit chain's key is derived from SECRET_KEY, "
                "so rotating SECRET_KEY makes earlier entries fail verification.",
                id="clinwell.W003",
            )
        )
    if settings.SESSION_IDLE_MINUTES > 60:
        warnings.append(Warning("SESSION_IDLE_MINUTES is above an hour.", id="clinwell.W004"))
    return warnings
