"""Organization pages: unit tree, roster and settings (thin views)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from clinwell.web.orgs.access import Role, access_unit, top_unit, visible_people, visible_units
from clinwell.web.orgs.decorators import org_view
from clinwell.web.orgs.forms import OrganizationSettingsForm, RosterImportForm, UnitImportForm
from clinwell.web.orgs.models import Membership
from clinwell.web.orgs.services.choices import ChoiceListError
from clinwell.web.orgs.services.organizations import update_organization_settings
from clinwell.web.orgs.services.roster import import_roster
from clinwell.web.orgs.services.tabular import ImportValidationError
from clinwell.web.orgs.services.units import import_units
from clinwell.web.orgs.tree import build_tree


def _headcounts(membership: Membership) -> dict[int, int]:
    rows = (
        visible_units(membership)
        .annotate(n=Count("people", filter=Q(people__active=True)))
        .values_list("pk", "n")
    )
    return dict(rows)


@org_view()
def units(request: HttpRequest, membership: Membership) -> HttpResponse:
    tree = build_tree(visible_units(membership), _headcounts(membership))
    return render(request, "orgs/units.html", {"tree": tree})


@org_view()
def unit_detail(request: HttpRequest, membership: Membership, unit_id: int) -> HttpResponse:
    unit = access_unit(membership, unit_id)
    subtree = visible_units(membership).filter(tree_path__startswith=unit.tree_path)
    tree = build_tree(subtree, _headcounts(membership))
    people = unit.organization.people.filter(active=True, unit__in=subtree)
    by_role = {r["role"]: r["n"] for r in people.values("role").annotate(n=Count("pk"))}
    role_counts = [
        {"label": label, "n": by_role.get(key, 0)}
        for key, label in ((r["key"], r["label"]) for r in unit.organization.roster_roles)
    ]
    ancestors = []
    for unit_pk in unit.tree_path.strip("/").split("/")[:-1]:
        ancestor = visible_units(membership).filter(pk=int(unit_pk)).first()
        if ancestor is not None:
            ancestors.append(ancestor)
    return render(
        request,
        "orgs/unit_detail.html",
        {"unit": unit, "tree": tree, "role_counts": role_counts, "ancestors": ancestors},
    )


MAX_SEARCH_CHARACTERS = 1_000


@org_view(Role.ADMIN, Role.LEADER)
def roster(request: HttpRequest, membership: Membership) -> HttpResponse:
    people = visible_people(membership).select_related("unit")
    # A search longer than any e-mail, name or unit path finds nothing; cut it there
    # (SQLite refuses LIKE patterns beyond 50,000 bytes).
    query = request.GET.get("q", "").strip()[:MAX_SEARCH_CHARACTERS]
    if query:
        people = people.filter(
            Q(email__icontains=query)
            | Q(name__icontains=query)
            | Q(unit__full_name__icontains=query)
        )
    status = request.GET.get("status", "active")
    if status == "active":
        people = people.filter(active=True)
    page = Paginator(people.order_by("unit__full_name", "email"), 50).get_page(
        request.GET.get("page")
    )
    org = membership.organization
    rows = [
        {
            "person": p,
            "role": org.role_label(p.role),
            "tenure": org.tenure_label(p.tenure_band) if p.tenure_band else "—",
        }
        for p in page
    ]
    return render(
        request,
        "orgs/roster.html",
        {"page": page, "rows": rows, "query": query, "status": status},
    )


@org_view(Role.ADMIN)
def settings_page(request: HttpRequest, membership: Membership) -> HttpResponse:
    org = membership.organization
    form = OrganizationSettingsForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        try:
            update_organization_settings(
                org,
                state=form.cleaned_data["state"],
                allow_nonresponder_export=form.cleaned_data["allow_nonresponder_export"],
                roster_roles=form.cleaned_data["roster_roles"],
                tenure_bands=form.cleaned_data["tenure_bands"],
                require_two_factor=form.cleaned_data["require_two_factor"],
            )
        except ChoiceListError as exc:
            for field, problems in exc.errors.items():
                for message in problems:
                    form.add_error(field, message)
        else:
            messages.success(request, "Settings saved.")
            return redirect("orgs:settings", org_slug=org.slug)
    members = org.memberships.select_related("user", "unit").order_by("role", "user__email")
    return render(
        request,
        "orgs/settings.html",
        {
            "members": members,
            "settings_form": form,
            "unit_form": UnitImportForm(),
            "roster_form": RosterImportForm(),
        },
    )


@org_view(Role.ADMIN)
def import_units_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = UnitImportForm(request.POST or None, request.FILES or None)
    errors = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = import_units(membership.organization, upload.name, upload)
        except ImportValidationError as exc:
            errors = exc
        else:
            messages.success(
                request,
                f"Imported units from {upload.name}: {report.created} new, "
                f"{report.existing} already present.",
            )
            return redirect("orgs:units", org_slug=membership.organization.slug)
    context = {"form": form, "errors": errors, "kind": "units", "top_unit": _top_unit(membership)}
    return render(request, "orgs/import.html", context)


@org_view(Role.ADMIN)
def import_roster_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = RosterImportForm(request.POST or None, request.FILES or None)
    errors = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = import_roster(
                membership.organization,
                upload.name,
                upload,
                deactivate_missing=form.cleaned_data["deactivate_missing"],
            )
        except ImportValidationError as exc:
            errors = exc
        else:
            messages.success(
                request,
                f"Imported the roster from {upload.name}: {report.created} added, "
                f"{report.updated} updated, {report.deactivated} marked inactive.",
            )
            return redirect("orgs:roster", org_slug=membership.organization.slug)
    context = {"form": form, "errors": errors, "kind": "roster", "top_unit": _top_unit(membership)}
    return render(request, "orgs/import.html", context)


def _top_unit(membership: Membership) -> str | None:
    """The name of the tree's single top unit (paths start with it), if it has one."""
    top = top_unit(membership)
    return None if top is None else top.name
