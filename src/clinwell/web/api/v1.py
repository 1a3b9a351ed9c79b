"""Version 1 of the REST API: read-only, token-authenticated, tenant-scoped.

Served at ``/api/v1/``; the OpenAPI schema at ``/api/v1/openapi.json`` and interactive
docs (Swagger UI from Django Ninja's own static files — nothing is fetched from a CDN) at
``/api/v1/docs``. See docs/api.md.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, Throttled
from ninja.operation import Operation

from clinwell.web.api.auth import BearerToken
from clinwell.web.api.endpoints import knowledge, orgs, themes, waves
from clinwell.web.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from clinwell.web.throttles import (
    ANON_RATE,
    ANON_THROTTLE,
    TOKEN_RATE,
    TOKEN_THROTTLE,
    retry_after,
    throttled_detail,
)

DESCRIPTION = f"""Read-only access to your organizations, their units and waves, the published
results of closed waves, and the knowledge catalog.

Authenticate with a personal API token (create one at /api/tokens/):
`Authorization: Bearer <token>`.

**Privacy.** Every result number comes from the same privacy-gate release as the web pages
and exports (minimum group size and complementary suppression); suppressed cells carry no
numbers. Unit leaders see their own subtree only. Other organizations' objects are 404.

**Pagination.** List endpoints take `limit` (default {DEFAULT_LIMIT}, at most {MAX_LIMIT};
larger values are clamped) and `offset` (default 0) and answer
`{{"items": [...], "count": N}}`, `count` being the total number of items you may see.

**Rate limits.** {TOKEN_RATE} requests per API token; {ANON_RATE} unauthenticated (401)
requests per client address (requests/period, `m` = minute). Over the limit: 429 with a
`Retry-After` header (seconds).
"""

UNAUTHORIZED = (
    "Missing, invalid or revoked API token. Send 'Authorization: Bearer <token>' with a "
    "token created at /api/tokens/."
)


class ClinwellAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """Operation ids are the endpoint functions' names (``list_waves``, ...)."""
        return operation.view_func.__name__


api = ClinwellAPI(
    title="clinwell API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=BearerToken(),
    # Checked by Ninja on every operation once the token is authenticated; requests that
    # fail authentication are limited by the 401 handler below (ANON_THROTTLE).
    throttle=[TOKEN_THROTTLE],
    # Swagger UI from ninja's bundled static files; no online validator badge.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)
api.add_router("", orgs.router)
api.add_router("", waves.router)
api.add_router("", knowledge.router)
api.add_router("", themes.router)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    # Ninja runs the api's throttles only after authentication succeeded, so the requests
    # it refuses here are counted per client address with Ninja's AnonRateThrottle.
    if not ANON_THROTTLE.allow_request(request):
        wait = retry_after(ANON_THROTTLE)
        response = api.create_response(request, {"detail": throttled_detail(wait)}, status=429)
        if wait is not None:
            response["Retry-After"] = str(wait)
        return response
    response = api.create_response(request, {"detail": UNAUTHORIZED}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="clinwell"'
    return response


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    """429 from Ninja's throttle check; Ninja itself adds the ``Retry-After`` header."""
    return api.create_response(request, {"detail": throttled_detail(exc.wait)}, status=429)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Not found"}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    message = str(exc) or "Your role does not allow this."
    return api.create_response(request, {"detail": message}, status=403)
