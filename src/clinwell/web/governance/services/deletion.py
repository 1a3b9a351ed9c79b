"""Deleting an organization completely (superusers only: ``manage delete_organization``).

Everything the organization owns goes — units, roster, memberships, invitations, survey
waves and sealed responses, released results, plans, EHR runs, consortium sharing, and its
own audit chain — and one entry in the site's audit chain says who deleted which
organization when. Accounts are site-wide and stay (a person may belong elsewhere).
``tests/web/governance/test_deletion.py`` checks that every table is back to its rows from
before the organization existed, apart from that one entry.
"""

from __future__ import annotations

from django.db import transaction

from clinwell.web.accounts.models import User
from clinwell.web.audit.services import forget_organization, record
from clinwell.web.orgs.models import Organization
from clinwell.web.orgs.services.organizations import delete_organization


def delete_organization_completely(organization: Organization, *, by: User | None) -> None:
    if by is not None and not by.is_superuser:
        raise PermissionError("Only a superuser can delete an organization.")
    org_id, name, slug = organization.pk, organization.name, organization.slug
    with transaction.atomic():
        delete_organization(organization)
        forgotten = forget_organization(org_id)
        record(
            "change",
            actor=by,
            object_type="organization",
            object_id=org_id,
            summary=f"Deleted the organization {name} ({slug}) and all its data",
            detail={"organization": slug, "audit_entries_removed": forgotten},
        )
