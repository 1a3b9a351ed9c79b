"""The knowledge catalog: evidence-tagged interventions and support resources.

Any member of the organization may read them, as on the web's Knowledge pages; resources
default to the organization's state, like the web page. Filter values are the catalog's
keys, listed as enums in the OpenAPI schema; an unknown one is a 422 naming it and the
accepted values.
"""

# No ``from __future__ import annotations`` here: the paginated views are wrapped by
# ``ninja.pagination.paginate``, and Ninja resolves string annotations in the wrapper's
# module globals (ninja.pagination), where ``OrgSlug`` and the filter schemas do not exist.

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Field, JsonValue, ValidationInfo, field_validator

from clinwell.knowledge import (
    Intervention,
    Resource,
    UnknownKeyError,
    burnout_levels,
    find_interventions,
    resource_directory,
    vocabulary,
)
from clinwell.knowledge import find_resources as catalog_resources
from clinwell.web.api import schemas
from clinwell.web.api.auth import member
from clinwell.web.api.endpoints.params import OrgSlug
from clinwell.web.api.pagination import Pagination

router = Router(tags=["knowledge"])


_vocab = vocabulary()
_directory = resource_directory()
KEYS: dict[str, list[str]] = {
    "level": sorted(burnout_levels().ids),
    "driver": sorted(_vocab.driver_ids | _vocab.ehr_metric_ids),
    "domain": sorted(_vocab.domain_ids),
    "measure": sorted(_vocab.measure_ids),
    "state": sorted(s.code for s in _directory.states),
    "kind": sorted(_directory.kinds),
}
"""Accepted values of each filter: the catalog's keys, listed as enums in the schema."""


def _key(name: str, description: str) -> Any:
    enum: list[JsonValue] = list(KEYS[name])
    return Field(default=None, description=description, json_schema_extra={"enum": enum})


def _check(name: str, value: str | None) -> str | None:
    """Absent means no filter; a given value, empty included, must be one of the catalog's
    keys (else 422), as the schema's enum says."""
    if value is None:
        return None
    if value == "":
        raise ValueError(f"empty {name}; leave the parameter out for no filter")
    if value not in KEYS[name]:
        raise ValueError(f"unknown {name} {value!r}; expected one of {KEYS[name]}")
    return value


class InterventionFilters(Schema):
    level: str | None = _key("level", "One of the four levels (docs/knowledge.md).")
    driver: str | None = _key("driver", "A driver or EHR-metric key the intervention targets.")
    domain: str | None = _key("domain", "An AMA Organizational Biopsy domain.")
    measure: str | None = _key("measure", "A measure the intervention is meant to move.")

    @field_validator("level", "driver", "domain", "measure")
    @classmethod
    def known_key(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _check(str(info.field_name), value)


class ResourceFilters(Schema):
    state: str | None = _key("state", "Two-letter state code (default: the organization's).")
    kind: str | None = _key("kind", "A kind of resource.")
    q: str | None = Field(
        default=None,
        description="Text searched in names and descriptions (no NUL character).",
        pattern=r"^[^\x00]*$",  # every request with a NUL is refused (security.RejectNulMiddleware)
        max_length=200,
    )

    @field_validator("state", mode="before")
    @classmethod
    def upper_case(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("state", "kind")
    @classmethod
    def known_key(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _check(str(info.field_name), value)


@router.get(
    "/orgs/{org_slug}/knowledge/interventions",
    response={200: list[schemas.Intervention], 400: schemas.Error, **schemas.ERRORS},
    summary="Intervention catalog",
)
@paginate(Pagination)
def list_interventions(
    request: HttpRequest, org_slug: OrgSlug, filters: Query[InterventionFilters]
) -> list[Intervention]:
    """Interventions, optionally filtered by level, driver, domain or measure key
    (the vocabulary of docs/knowledge.md), with their evidence and sources, in catalog
    order. Paginated."""
    member(request, org_slug)
    try:
        # A list, not the catalog's tuple (the paginator slices and counts it).
        return list(
            find_interventions(
                level=filters.level or None,
                driver=filters.driver or None,
                domain=filters.domain or None,
                measure=filters.measure or None,
            )
        )
    except UnknownKeyError as exc:
        raise HttpError(400, str(exc)) from exc


@router.get(
    "/orgs/{org_slug}/knowledge/resources",
    response={200: list[schemas.Resource], 400: schemas.Error, **schemas.ERRORS},
    summary="Support resources",
)
@paginate(Pagination)
def list_resources(
    request: HttpRequest, org_slug: OrgSlug, filters: Query[ResourceFilters]
) -> list[Resource]:
    """National resources plus those of one state (default: the organization's state;
    ``state=`` two-letter code), optionally of one kind or matching a text query ``q``, in
    catalog order. Paginated."""
    membership = member(request, org_slug)
    state = (filters.state or membership.organization.state or "").strip() or None
    try:
        return list(
            catalog_resources(state=state, kind=filters.kind or None, query=filters.q or None)
        )
    except UnknownKeyError as exc:
        raise HttpError(400, str(exc)) from exc
