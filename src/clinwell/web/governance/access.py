"""Who may read the audit trail: an organization's administrators, their own chain only."""

from __future__ import annotations

from django.db.models import QuerySet

from clinwell.web.audit.models import AuditEntry
from clinwell.web.audit.queries import entries_of
from clinwell.web.orgs.access import Role, require_role
from clinwell.web.orgs.models import Membership


def audit_entries(membership: Membership) -> QuerySet[AuditEntry]:
    require_role(membership, Role.ADMIN)
    return entries_of(membership.organization.pk)
