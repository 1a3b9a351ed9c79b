"""Organizations the token's user belongs to, and the units they may see."""

# No ``from __future__ import annotations`` here: the paginated views are wrapped by
# ``ninja.pagination.paginate``, and Ninja resolves string annotations in the wrapper's
# module globals (ninja.pagination), where ``OrgSlug`` and the filter schemas do not exist.

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from clinwell.web.api import schemas
from clinwell.web.api.auth import member
from clinwell.web.api.endpoints.params import OrgSlug
from clinwell.web.api.pagination import Pagination
from clinwell.web.orgs.access import memberships_of, visible_units
from clinwell.web.orgs.models import Membership

router = Router(tags=["organizations"])


def _organization(m: Membership) -> dict[str, Any]:
    return {
        "slug": m.organization.slug,
        "name": m.organization.name,
        "state": m.organization.state or None,
        "role": m.role,
        "unit_id": m.unit_id,
        "unit": None if m.unit is None else m.unit.full_name,
    }


@router.get(
    "/orgs",
    response={200: list[schemas.Organization], **schemas.ERRORS},
    summary="List my organizations",
)
@paginate(Pagination)
def list_organizations(request: HttpRequest) -> list[dict[str, Any]]:
    """Every organization the token's user is a member of, with their role (and, for a
    unit leader, the unit whose subtree they see), ordered by name. Paginated."""
    return [_organization(m) for m in memberships_of(request.auth)]  # type: ignore[attr-defined]


@router.get(
    "/orgs/{org_slug}",
    response={200: schemas.Organization, **schemas.ERRORS},
    summary="One organization",
)
def get_organization(request: HttpRequest, org_slug: OrgSlug) -> dict[str, Any]:
    """The organization and the caller's role in it (404 when not a member)."""
    return _organization(member(request, org_slug))


@router.get(
    "/orgs/{org_slug}/units",
    response={200: list[schemas.Unit], **schemas.ERRORS},
    summary="Units of an organization",
)
@paginate(Pagination)
def list_units(request: HttpRequest, org_slug: OrgSlug) -> list[dict[str, Any]]:
    """The unit tree as a flat list ordered by path. Unit leaders get their own subtree
    only; the parent of its top unit is then given as null. Paginated: ``parent_id`` refers
    to the whole visible tree, so a unit's parent may be on another page."""
    membership = member(request, org_slug)
    units = list(visible_units(membership).order_by("full_name"))
    ids = {u.pk for u in units}
    return [
        {
            "id": u.pk,
            "name": u.name,
            "kind": u.kind,
            "full_name": u.full_name,
            "parent_id": u.parent_id if u.parent_id in ids else None,
            "depth": u.depth,
        }
        for u in units
    ]
