"""Bearer-token authentication and the membership check every endpoint starts with.

Roles are enforced exactly as the web pages' ``@org_view`` does, through the same access
layer (:mod:`clinwell.web.orgs.access`): not a member (or another tenant) is a 404, a
member whose role does not allow the endpoint a 403.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from clinwell.web.accounts.models import User
from clinwell.web.api.tokens import hash_token, user_for_token
from clinwell.web.orgs.access import access_membership, require_role
from clinwell.web.orgs.models import Membership
from clinwell.web.throttles import TOKEN_DIGEST_ATTRIBUTE


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` with a live personal token of an active user.

    On success the token's digest is left on the request for the per-token rate limit
    (:class:`~clinwell.web.throttles.TokenRateThrottle`).
    """

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = token.strip()
        user = user_for_token(token)
        if user is not None:
            setattr(request, TOKEN_DIGEST_ATTRIBUTE, hash_token(token))
        return user


def member(request: HttpRequest, org_slug: str, *roles: str) -> Membership:
    """The token owner's membership in the organization (404) with one of ``roles`` (403)."""
    user: User = request.auth  # type: ignore[attr-defined]
    membership = access_membership(user, org_slug)
    if roles:
        require_role(membership, *roles)
    request.membership = membership  # type: ignore[attr-defined]  # the audit trail's organization
    return membership
