"""One middleware records page views, exports and form posts (see :mod:`.routes`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from clinwell.web.audit.routes import kind_of
from clinwell.web.audit.services import record
from clinwell.web.security import client_address

Handler = Callable[[HttpRequest], HttpResponse]

MAX_QUERY_KEYS = 20
MAX_VALUE_CHARS = 100


def _query(request: HttpRequest) -> dict[str, str]:
    """The page's filters (unit, wave, group), cut short: enough to say what was seen."""
    items = list(request.GET.lists())[:MAX_QUERY_KEYS]
    return {key[:40]: ",".join(values)[:MAX_VALUE_CHARS] for key, values in items}


def _object(kwargs: dict[str, Any]) -> tuple[str, str]:
    """The page's object from its URL (``wave_id=3`` → ``wave``, ``3``)."""
    for key, value in kwargs.items():
        if key in ("org_slug", "consortium_slug"):
            continue
        return key.removesuffix("_id"), str(value)
    return "", ""


class AuditMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if match is None or response.status_code >= 400:
            return response
        kind = kind_of(match.view_name, request.method or "GET")
        if kind is None:
            return response
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            user = getattr(request, "auth", None)  # an API bearer token's user
        if kind == "change" and not getattr(user, "is_authenticated", False):
            return response
        membership = getattr(request, "membership", None)
        organization = getattr(membership, "organization", None)
        object_type, object_id = _object(match.kwargs)
        detail: dict[str, Any] = {"status": response.status_code}
        if kind != "change":
            detail["query"] = _query(request)
        consortium = match.kwargs.get("consortium_slug")
        if consortium:
            detail["consortium"] = consortium
        record(
            kind,
            organization_id=getattr(organization, "pk", None),
            organization_slug=getattr(organization, "slug", "") or match.kwargs.get("org_slug", ""),
            actor=user,
            ip_address=client_address(request),
            route=match.view_name,
            method=request.method or "",
            path=request.path,
            object_type=object_type,
            object_id=object_id,
            detail=detail,
        )
        return response
