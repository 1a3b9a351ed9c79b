"""The consortium's REST API for member systems: ``/api/consortium/v1/``.

A member system's software authenticates with its member token (``cwm_…``, created by the
consortium staff on the Members page): ``Authorization: Bearer <token>``. It can send a
contribution, list its own contributions, read its own position in a period, and download
the pooled evidence; the public DP reports need no token. OpenAPI schema at
``/api/consortium/v1/openapi.json``, interactive docs at ``/api/consortium/v1/docs``.

This is a Django Ninja API of its own beside the personal-token API (``/api/v1/``): its
callers are member systems, not people, and no personal token opens it (nor a member token
the other). The same rate limit applies per token (:mod:`clinwell.web.throttles`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema, Swagger
from ninja.errors import AuthenticationError, Throttled
from ninja.security import HttpBearer

from clinwell.consortium import ContributionError, schema_document_for_api
from clinwell.web.consortium.access import release_by_slug
from clinwell.web.consortium.models import Contribution, Member
from clinwell.web.consortium.queries import member_contributions
from clinwell.web.consortium.services.contributions import receive_contribution
from clinwell.web.consortium.services.evidence import evidence_file
from clinwell.web.consortium.services.pooling import contributed_periods, period_benchmarks
from clinwell.web.consortium.tokens import hash_token, member_for_token
from clinwell.web.throttles import (
    ANON_THROTTLE,
    TOKEN_DIGEST_ATTRIBUTE,
    TOKEN_THROTTLE,
    retry_after,
    throttled_detail,
)

UNAUTHORIZED = (
    "Missing, invalid or revoked member token. Send 'Authorization: Bearer <token>' with the "
    "token your consortium's staff created for your member system."
)


class MemberBearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Member | None:
        token = token.strip()
        member = member_for_token(token)
        if member is not None:
            setattr(request, TOKEN_DIGEST_ATTRIBUTE, hash_token(token))
        return member


class ConsortiumAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        return str(operation.view_func.__name__)


api = ConsortiumAPI(
    title="clinwell consortium API",
    version="1",
    description=__doc__ or "",
    urls_namespace="consortium-api-v1",
    auth=MemberBearer(),
    throttle=[TOKEN_THROTTLE],
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)


class Error(Schema):
    detail: str


class Refused(Schema):
    detail: list[str]


class Received(Schema):
    member: str
    period: str
    cells: int
    impacts: int
    received_at: str


class ContributionOut(Schema):
    period: str
    received_at: str
    received_via: str
    cells: int
    impacts: int


class PositionCell(Schema):
    measure: str
    role: str
    specialty: str
    members: int
    value: float
    percentile_rank: float | None
    pooled: float | None
    pooled_lower: float | None
    pooled_upper: float | None
    percentiles: dict[str, float]


class ReportCell(Schema):
    measure: str
    role: str
    members: int
    withheld: bool
    imprecise: bool
    estimate: float | None
    lower: float | None
    upper: float | None
    noise_sd: float | None
    respondents: int | None


class Report(Schema):
    consortium: str
    number: int
    period: str
    epsilon: float
    members: int
    min_members: int
    released_at: str
    cells: list[ReportCell]


ERRORS = {401: Error, 404: Error, 429: Error}


def _member(request: HttpRequest) -> Member:
    member: Member = request.auth  # type: ignore[attr-defined]
    return member


@api.post(
    "/contributions",
    response={201: Received, 413: Error, 422: Refused, **ERRORS},
    summary="Send a contribution",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema_document_for_api()}},
        }
    },
)
def submit_contribution(request: HttpRequest) -> tuple[int, dict[str, Any]]:
    """Send one contribution file (its JSON as the body). It is stored only if every check
    passes; otherwise 422 lists every problem, each naming its field, and nothing changes.
    A period already contributed is refused: each member contributes once per period."""
    member = _member(request)
    try:
        body = request.body
    except RequestDataTooBig:
        return 413, {"detail": "The contribution is larger than this server accepts."}
    try:
        received = receive_contribution(
            member.consortium,
            body,
            via=Contribution.Via.API,
            source="request body",
            sender=member,
        )
    except ContributionError as exc:
        return 422, {"detail": [str(p) for p in exc.problems]}
    c = received.contribution
    return 201, {
        "member": member.slug,
        "period": c.period,
        "cells": received.cells,
        "impacts": received.impacts,
        "received_at": c.received_at.isoformat(),
    }


@api.get(
    "/contributions", response={200: list[ContributionOut], **ERRORS}, summary="My contributions"
)
def list_contributions(request: HttpRequest) -> list[dict[str, Any]]:
    """Every contribution the consortium holds from the token's member system."""
    member = _member(request)
    return [
        {
            "period": c.period,
            "received_at": c.received_at.isoformat(),
            "received_via": c.received_via,
            "cells": c.cells.count(),
            "impacts": c.impacts.count(),
        }
        for c in member_contributions(member)
    ]


@api.get(
    "/position/{period}",
    response={200: list[PositionCell], **ERRORS},
    summary="Where my system stands",
)
def my_position(request: HttpRequest, period: str) -> list[dict[str, Any]]:
    """The token's member system in each pooled cell of ``period`` it contributed to: its
    own value, its percentile rank among the other systems, the pooled estimate and the
    members' percentiles. Cells with fewer than the consortium's minimum number of systems
    are left out. Never another member's value."""
    member = _member(request)
    if period not in contributed_periods(member.consortium):
        raise Http404("No contributions for this period")
    out = []
    for cell in period_benchmarks(member.consortium, period):
        if cell.withheld or member.slug not in cell.values or cell.pooled is None:
            continue
        out.append(
            {
                "measure": cell.measure,
                "role": cell.role,
                "specialty": cell.specialty,
                "members": cell.members,
                "value": cell.values[member.slug],
                "percentile_rank": cell.position(member.slug),
                "pooled": cell.pooled.estimate,
                "pooled_lower": cell.pooled.lower,
                "pooled_upper": cell.pooled.upper,
                "percentiles": {f"p{k}": v for k, v in cell.percentiles.items()},
            }
        )
    return out


@api.get("/evidence", response={200: dict[str, Any], **ERRORS}, summary="Pooled evidence")
def pooled_evidence(request: HttpRequest) -> dict[str, Any]:
    """The consortium's pooled-evidence document (schema clinwell.consortium.evidence,
    version 1): per intervention and measure measured in enough systems, the random-effects
    pooled effect, interval, heterogeneity and number of systems. Import it into your
    clinwell (Consortium page, or ``clinwell consortium import-evidence``)."""
    return evidence_file(_member(request).consortium)


@api.get(
    "/consortia/{consortium_slug}/reports/{number}",
    response={200: Report, 404: Error, 429: Error},
    auth=None,
    summary="A public report",
)
def public_report(request: HttpRequest, consortium_slug: str, number: int) -> dict[str, Any]:
    """A public report released with differential privacy (no token needed)."""
    release = release_by_slug(consortium_slug, number)
    return {
        "consortium": release.consortium.name,
        "number": release.number,
        "period": release.period,
        "epsilon": release.epsilon,
        "members": release.members,
        "min_members": release.min_members,
        "released_at": release.created_at.isoformat(),
        "cells": [
            {
                "measure": c.measure,
                "role": c.role,
                "members": c.members,
                "withheld": c.withheld,
                "imprecise": c.imprecise,
                "estimate": c.estimate,
                "lower": c.lower,
                "upper": c.upper,
                "noise_sd": c.noise_sd,
                "respondents": c.respondents,
            }
            for c in release.cells.all()
        ],
    }


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    if not ANON_THROTTLE.allow_request(request):
        wait = retry_after(ANON_THROTTLE)
        response = api.create_response(request, {"detail": throttled_detail(wait)}, status=429)
        if wait is not None:
            response["Retry-After"] = str(wait)
        return response
    response = api.create_response(request, {"detail": UNAUTHORIZED}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="clinwell consortium"'
    return response


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return api.create_response(request, {"detail": throttled_detail(exc.wait)}, status=429)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Not found"}, status=404)
