"""Who may read what on the results pages, beyond the organization-wide access layer
(:mod:`clinwell.web.orgs.access`)."""

from __future__ import annotations

from clinwell.web.orgs.access import Role
from clinwell.web.orgs.models import Membership

COMMENT_READER_ROLES = (Role.ADMIN,)
"""Roles that read the released comments themselves (docs/privacy.md: administrators see
comments for large groups). Every role sees the theme and sentiment counts."""


def can_read_comments(membership: Membership) -> bool:
    """Whether the member may read released comment texts (and search them)."""
    return membership.role in COMMENT_READER_ROLES
