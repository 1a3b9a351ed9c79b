"""Sign-ins, refused sign-ins and sign-outs go to the site chain."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from clinwell.web.audit.services import record
from clinwell.web.security import client_address


def _ip(request: HttpRequest | None) -> str | None:
    return None if request is None else client_address(request)


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def _signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record("sign-in", actor=user, ip_address=_ip(request), summary="Signed in")


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def _signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record("sign-out", actor=user, ip_address=_ip(request), summary="Signed out")


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def _refused(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    email = str(credentials.get("username") or credentials.get("email") or "")[:254]
    record(
        "sign-in-failed",
        ip_address=_ip(request),
        summary="Sign-in refused",
        detail={"email": email},
    )
