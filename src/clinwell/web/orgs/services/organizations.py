"""Create organizations and grant memberships."""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import ForeignObjectRel
from django.utils.text import slugify

from clinwell.web.accounts.models import User
from clinwell.web.orgs.models import Membership, Organization, Unit


def create_organization(name: str, *, slug: str | None = None, state: str = "") -> Organization:
    base = slug or slugify(name)[:50] or "org"
    candidate, n = base, 1
    while Organization.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return Organization.objects.create(name=name, slug=candidate, state=state.upper()[:2])


def grant_membership(
    user: User, organization: Organization, role: str, unit: Unit | None = None
) -> Membership:
    """Give ``user`` a role in ``organization`` (replacing any earlier one)."""
    if role not in Membership.Role.values:
        raise ValueError(
            f"unknown role {role!r}; choose one of {', '.join(Membership.Role.values)}"
        )
    if role == Membership.Role.LEADER and unit is None:
        raise ValueError("a leader needs a unit: their reports cover that unit's subtree")
    if unit is not None and unit.organization_id != organization.pk:
        raise ValueError("the unit belongs to another organization")
    with transaction.atomic():
        membership, _ = Membership.objects.update_or_create(
            user=user,
            organization=organization,
            defaults={"role": role, "unit": unit if role == Membership.Role.LEADER else None},
        )
    return membership


def delete_organization(organization: Organization) -> None:
    """Delete a tenant and everything it owns.

    Rows that protect units from deletion (roster entries, responses, invitations, plans)
    are deleted first, whichever app they belong to, then the organization cascades.
    """
    with transaction.atomic():
        units = Unit.objects.filter(organization=organization)
        relations = Unit._meta.get_fields(include_hidden=True)  # related_name="+" is hidden
        for relation in relations:
            if isinstance(relation, ForeignObjectRel) and relation.on_delete is models.PROTECT:
                model = relation.related_model
                if model is not None:
                    model._base_manager.filter(**{f"{relation.field.name}__in": units}).delete()
        organization.delete()


def update_organization_settings(
    organization: Organization, *, state: str, allow_nonresponder_export: bool
) -> Organization:
    """Change the organization's state (support resources) and non-responder export switch."""
    organization.state = state.strip().upper()[:2]
    organization.allow_nonresponder_export = allow_nonresponder_export
    organization.save(update_fields=["state", "allow_nonresponder_export"])
    return organization
