"""Rate limits of the API: Django Ninja's throttles, counted in Django's default cache.

* :data:`TOKEN_THROTTLE` — every authenticated request, per API token
  (:data:`TOKEN_RATE`). Set as ``throttle=`` on the ``NinjaAPI`` object, so Ninja checks it
  on every operation, after authentication.
* :data:`ANON_THROTTLE` — requests refused with a 401 (no, bad or revoked token), per client
  address (:data:`ANON_RATE`). Ninja runs throttles only once authentication has succeeded,
  so this one is checked by the 401 handler of :mod:`clinwell.web.api.v1`, which answers
  429 instead of 401 once the address is over its limit.

The history of each key lives in Django's default cache (``django.core.cache.cache``),
which ``settings.CACHES`` puts in the database: every server process and worker counts in
the same place. A client is its connection's address (:func:`clinwell.web.security.
client_address`): ``X-Forwarded-For`` counts only behind ``TRUSTED_PROXY_COUNT`` proxies.
"""

from __future__ import annotations

import hashlib
import math

from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle, AuthRateThrottle, SimpleRateThrottle

from clinwell.web.security import client_address

TOKEN_RATE = "600/m"  # noqa: S105 - a request rate, not a secret
"""Requests per API token: 10 a second sustained, far above what a script needs."""
ANON_RATE = "120/m"
"""Unauthenticated (401) requests per client address."""

TOKEN_DIGEST_ATTRIBUTE = "api_token_digest"  # noqa: S105 - an attribute name
"""Set on the request by :class:`~clinwell.web.api.auth.BearerToken` once it authenticates."""


class AddressRateThrottle(AnonRateThrottle):
    """Ninja's ``AnonRateThrottle`` keyed on :func:`~clinwell.web.security.client_address`
    (Ninja's own reads ``X-Forwarded-For`` unless ``NINJA_NUM_PROXIES`` is set)."""

    def get_ident(self, request: HttpRequest) -> str | None:
        return client_address(request)


class TokenRateThrottle(AuthRateThrottle):
    """Ninja's ``AuthRateThrottle`` keyed on the API token rather than ``str(request.auth)``.

    ``request.auth`` is the token's :class:`~clinwell.web.accounts.models.User`, whose
    ``str`` is a display name that two users may share; the token (its digest, hashed again
    so the cache never holds the database's lookup key) is unique. Each token has its own
    budget.
    """

    scope = "token"

    def get_cache_key(self, request: HttpRequest) -> str:
        digest = getattr(request, TOKEN_DIGEST_ATTRIBUTE, None)
        if digest is None:  # not authenticated by BearerToken: Ninja's own key
            return super().get_cache_key(request)
        ident = hashlib.sha256(f"throttle:{digest}".encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


TOKEN_THROTTLE = TokenRateThrottle(TOKEN_RATE)
ANON_THROTTLE = AddressRateThrottle(ANON_RATE)


def retry_after(throttle: SimpleRateThrottle) -> int | None:
    """Whole seconds until ``throttle`` admits a request again (the Retry-After value)."""
    wait = throttle.wait()
    return None if wait is None else max(1, math.ceil(wait))


def throttled_detail(wait: float | None) -> str:
    detail = "Too many requests: rate limit exceeded."
    if wait is not None:
        detail += f" Retry in {max(1, math.ceil(wait))} seconds (see the Retry-After header)."
    return detail
