"""View decorator that resolves the organization from the URL through the access layer."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from clinwell.web.orgs.access import access_membership, require_role
from clinwell.web.orgs.models import Membership

OrgView = Callable[..., HttpResponseBase]


def org_view(*roles: str) -> Callable[[OrgView], Callable[..., HttpResponseBase]]:
    """Wrap ``view(request, membership, ...)``: login, membership (404), role (403).

    With no ``roles`` every member may open the page; otherwise only the listed roles.
    The membership is also stored on ``request.membership`` for templates.
    """

    def decorator(view: OrgView) -> Callable[..., HttpResponseBase]:
        @login_required
        @wraps(view)
        def wrapped(
            request: HttpRequest, org_slug: str, *args: Any, **kwargs: Any
        ) -> HttpResponseBase:
            membership = access_membership(request.user, org_slug)  # type: ignore[arg-type]
            if roles:
                require_role(membership, *roles)
            request.membership = membership  # type: ignore[attr-defined]
            return view(request, membership, *args, **kwargs)

        return wrapped

    return decorator


ALL_ROLES = tuple(Membership.Role.values)
