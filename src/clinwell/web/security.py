"""Middleware for what every response and request must satisfy (docs/security.md).

- :class:`SecurityHeadersMiddleware`: a strict Content-Security-Policy on every response —
  scripts, styles, images and connections only from this site, no inline script or style,
  no ``eval`` (charts use vega's CSP-safe expression interpreter), no framing, forms post
  only here — and ``Cache-Control: no-store`` on everything but the versioned static
  assets, so that no page or file with personal or results data stays in a browser's or
  proxy's cache (a shared clinical workstation shows the next user nothing).
- :class:`RejectNulMiddleware`: a NUL character in the path, the query string or a form
  field is never meaningful and no database column stores it; such a request gets a 400
  with a plain explanation before any view runs. Respondent pages parse their own fields
  (a NUL in a survey comment is dropped, so the respondent's answers are kept).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.html import escape

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

Handler = Callable[[HttpRequest], HttpResponse]


def client_address(request: HttpRequest) -> str | None:
    """The client's address for rate limits (API throttles, sign-in lockouts).

    ``REMOTE_ADDR`` — the peer of the connection — unless ``TRUSTED_PROXY_COUNT`` says how
    many reverse proxies of our own stand in front of the server: then the address that
    the outermost of them saw, the ``TRUSTED_PROXY_COUNT``-th entry of ``X-Forwarded-For``
    from the right. Without trusted proxies the header is ignored: anyone can send it, and
    honouring it would let a client pick a fresh address for every attempt.
    """
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    remote: str | None = request.META.get("REMOTE_ADDR")
    forwarded: str | None = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    return hops[-min(proxies, len(hops))]


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.static_prefix = settings.STATIC_URL or "/static/"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        if not request.path.startswith(self.static_prefix):
            response["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response


def _has_nul(request: HttpRequest) -> str | None:
    """Where a NUL character is, if anywhere."""
    if "\x00" in request.path:
        return "the address"
    for where, params in (("the address", request.GET), ("a form field", request.POST)):
        for key, values in params.lists():
            if "\x00" in key or any("\x00" in str(v) for v in values):
                return f"{where} ({escape(key.replace(chr(0), '?'))})"
    return None


RESPONDENT_PATH = re.compile(r"/[sa]/[^/]*/\Z")


class RejectNulMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if RESPONDENT_PATH.match(request.path):  # the survey form drops a NUL, keeps answers
            return self.get_response(request)
        where = _has_nul(request)
        if where is None:
            return self.get_response(request)
        message = (
            f"The request contained a NUL character (\\x00) in {where}. It is never valid "
            "here, so nothing was changed. Remove it and try again."
        )
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400)
        return HttpResponseBadRequest(
            f"<!doctype html><title>Bad request</title><h1>Bad request</h1><p>{message}</p>",
            content_type="text/html; charset=utf-8",
        )
