"""Create organizations and grant memberships."""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import ForeignObjectRel
from django.utils.text import slugify

from clinwell.web.accounts.models import User
from clinwell.web.orgs.models import Membership, Organization, Unit
from clinwell.web.orgs.services.choices import (
    ROSTER_ROLES,
    TENURE_BANDS,
    ChoiceListError,
    check_choices,
    removal_problems,
)


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
    organization: Organization,
    *,
    state: str,
    allow_nonresponder_export: bool,
    roster_roles: list[dict[str, str]] | None = None,
    tenure_bands: list[dict[str, str]] | None = None,
    require_two_factor: bool | None = None,
) -> Organization:
    """Change the organization's state (support resources), non-responder export switch and,
    when given, its roster roles and tenure bands.

    A role or tenure band that roster people, survey invitations or responses still hold
    cannot be removed (their data would point at nothing): :class:`ChoiceListError` lists
    each such entry with how many hold it, and nothing is saved.
    """
    lists = {ROSTER_ROLES: roster_roles, TENURE_BANDS: tenure_bands}
    with transaction.atomic():
        # Lock the row so a concurrent roster import cannot add people with a role being removed.
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        changes: dict[str, list[dict[str, str]]] = {}
        errors: dict[str, list[str]] = {}
        for kind, choices in lists.items():
            if choices is None:
                continue
            # Checked again here: the service is the boundary, whatever the caller parsed.
            cleaned = [{"key": c["key"], "label": c["label"].strip()} for c in choices]
            problems = check_choices(cleaned, kind) or removal_problems(locked, kind, cleaned)
            if problems:
                errors[kind.field] = problems
            changes[kind.field] = cleaned
        if errors:
            raise ChoiceListError(errors)
        for field, cleaned in changes.items():
            setattr(organization, field, cleaned)
        organization.state = state.strip().upper()[:2]
        organization.allow_nonresponder_export = allow_nonresponder_export
        fields = ["state", "allow_nonresponder_export", *changes]
        if require_two_factor is not None:
            organization.require_two_factor = require_two_factor
            fields.append("require_two_factor")
        organization.save(update_fields=fields)
    return organization
