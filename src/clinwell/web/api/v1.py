"""Version 1 of the REST API: read-only, token-authenticated, tenant-scoped.

Served at ``/api/v1/``; the OpenAPI schema at ``/api/v1/openapi.json`` and interactive
docs (Swagger UI from Django Ninja's own static files — nothing is fetched from a CDN) at
``/api/v1/docs``. See docs/api.md.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError
from ninja.operation import Operation

from clinwell.web.api.auth import BearerToken
from clinwell.web.api.endpoints import knowledge, orgs, waves

DESCRIPTION = """Read-only access to your organizations, their units and waves, the published
results of closed waves, and the knowledge catalog.

Authenticate with a personal API token (create one at /api/tokens/):
`Authorization: Bearer <token>`.

**Privacy.** Every result number comes from the same privacy-gate release as the web pages
and exports (minimum group size and complementary suppression); suppressed cells carry no
numbers. Unit leaders see their own subtree only. Other organizations' objects are 404.
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
    # Swagger UI from ninja's bundled static files; no online validator badge.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)
api.add_router("", orgs.router)
api.add_router("", waves.router)
api.add_router("", knowledge.router)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": UNAUTHORIZED}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="clinwell"'
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Not found"}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    message = str(exc) or "Your role does not allow this."
    return api.create_response(request, {"detail": message}, status=403)
