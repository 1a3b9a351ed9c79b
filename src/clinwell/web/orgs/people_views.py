"""People and roles: who has access to the organization, invitations (thin views)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from clinwell.web.orgs.access import (
    Role,
    access_invitation,
    access_member,
    organization_members,
    pending_invitations,
)
from clinwell.web.orgs.decorators import org_view
from clinwell.web.orgs.forms import AcceptInvitationForm, InviteForm, RoleForm
from clinwell.web.orgs.models import Membership
from clinwell.web.orgs.services.people import (
    PeopleError,
    accept_invitation,
    change_role,
    find_invitation,
    invite,
    invited_account,
    remove_access,
    withdraw_invitation,
)
from clinwell.web.security import client_address


def _people_page(
    request: HttpRequest, membership: Membership, invite_form: InviteForm | None = None
) -> HttpResponse:
    org = membership.organization
    members = [
        {
            "member": m,
            "form": RoleForm(
                organization=org,
                prefix=f"m{m.pk}",
                initial={
                    "role": m.role,
                    "units": [u.pk for u in ([m.unit] if m.unit else [])]
                    + [u.pk for u in m.extra_units.all()],
                },
            ),
            "units": ([m.unit.full_name] if m.unit else [])
            + [u.full_name for u in m.extra_units.all()],
        }
        for m in organization_members(membership)
    ]
    return render(
        request,
        "orgs/people.html",
        {
            "members": members,
            "invitations": pending_invitations(membership),
            "invite_form": invite_form or InviteForm(organization=org),
        },
    )


@org_view(Role.ADMIN)
def people(request: HttpRequest, membership: Membership) -> HttpResponse:
    return _people_page(request, membership)


@require_POST
@org_view(Role.ADMIN)
def invite_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    org = membership.organization
    form = InviteForm(request.POST, organization=org)
    if form.is_valid():
        try:
            sent = invite(
                org,
                by=request.user,  # type: ignore[arg-type]
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                units=list(form.cleaned_data["units"] or []),
                ip=client_address(request),
            )
        except PeopleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Invitation sent to {sent.invitation.email}.")
            return redirect("orgs:people", org_slug=org.slug)
    return _people_page(request, membership, invite_form=form)


@require_POST
@org_view(Role.ADMIN)
def member_view(request: HttpRequest, membership: Membership, member_id: int) -> HttpResponse:
    member = access_member(membership, member_id)
    org = membership.organization
    form = RoleForm(request.POST, organization=org, prefix=f"m{member.pk}")
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, f"{member.user.email}: {problem}")
        return redirect("orgs:people", org_slug=org.slug)
    try:
        change_role(
            member,
            by=request.user,  # type: ignore[arg-type]
            role=form.cleaned_data["role"],
            units=list(form.cleaned_data["units"] or []),
            ip=client_address(request),
        )
    except PeopleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Saved {member.user.email}'s role.")
    return redirect("orgs:people", org_slug=org.slug)


@require_POST
@org_view(Role.ADMIN)
def member_remove(request: HttpRequest, membership: Membership, member_id: int) -> HttpResponse:
    member = access_member(membership, member_id)
    org = membership.organization
    try:
        remove_access(member, by=request.user, ip=client_address(request))  # type: ignore[arg-type]
    except PeopleError as exc:
        messages.error(request, str(exc))
        return redirect("orgs:people", org_slug=org.slug)
    messages.success(request, f"Removed {member.user.email}'s access.")
    if member.pk == membership.pk:
        return redirect("home")
    return redirect("orgs:people", org_slug=org.slug)


@require_POST
@org_view(Role.ADMIN)
def invitation_withdraw(
    request: HttpRequest, membership: Membership, invitation_id: int
) -> HttpResponse:
    invitation = access_invitation(membership, invitation_id)
    try:
        withdraw_invitation(invitation, by=request.user, ip=client_address(request))  # type: ignore[arg-type]
    except PeopleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Withdrew the invitation of {invitation.email}.")
    return redirect("orgs:people", org_slug=membership.organization.slug)


def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's page: accept (signed in) or create the account (no account yet)."""
    invitation = find_invitation(token)
    if invitation is None:
        return render(request, "orgs/invitation_invalid.html", status=404)
    user = request.user if request.user.is_authenticated else None
    has_account = invited_account(invitation) is not None
    form = AcceptInvitationForm(request.POST or None) if user is None and not has_account else None
    error = None
    if request.method == "POST":
        try:
            if user is not None:
                membership = accept_invitation(token, user=user, ip=client_address(request))
            elif form is not None and form.is_valid():
                membership = accept_invitation(
                    token,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                    ip=client_address(request),
                )
                login(
                    request,
                    membership.user,
                    backend="django.contrib.auth.backends.ModelBackend",
                )
            else:
                membership = None
        except ValidationError as exc:
            assert form is not None
            for message in exc.messages:
                form.add_error("password1", message)
            membership = None
        except PeopleError as exc:
            error = str(exc)
            membership = None
        if membership is not None:
            messages.success(request, f"Welcome to {membership.organization.name}.")
            return redirect("dashboard:overview", org_slug=membership.organization.slug)
    login_url = f"{reverse('accounts:login')}?next={request.path}"
    return render(
        request,
        "orgs/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "error": error,
            "has_account": has_account,
            "signed_in_as": user,
            "login_url": login_url,
        },
    )
