"""People and roles: invitations, role changes, removal, the last administrator, audit."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from clinwell.web.accounts.models import User
from clinwell.web.audit.models import AuditEntry, chain_name
from clinwell.web.orgs.access import visible_units
from clinwell.web.orgs.models import AccessInvitation, Membership
from clinwell.web.orgs.services.people import PeopleError, change_role, invite, remove_access
from tests.web.conftest import PASSWORD, Cast

STRONG = "quiet meadow lantern 42"


def _link() -> str:
    match = re.search(r"http://\S+/invitations/(\S+)/", mail.outbox[-1].body)
    assert match is not None
    return f"/invitations/{match.group(1)}/"


def _invite(client: Client, **fields: object) -> object:
    data = {"email": "new.lead@alpha.example", "role": "analyst", **fields}
    return client.post("/o/alpha/settings/people/invite/", data)


def _changes(cast: Cast) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(chain=chain_name(cast.alpha.pk), action="change").order_by("seq")
    )


def test_an_invitation_creates_an_account_with_the_role(
    cast: Cast, login: Callable[[User], Client]
) -> None:
    admin = login(cast.owner)
    assert _invite(admin).status_code == 302
    invitation = AccessInvitation.objects.get(email="new.lead@alpha.example")
    link = _link()
    assert link.split("/")[2] not in invitation.token_hash  # only the digest is stored
    visitor = Client()
    assert "Create account" in visitor.get(link).content.decode()
    page = visitor.post(link, {"full_name": "New Lead", "password1": STRONG, "password2": STRONG})
    assert page.status_code == 302
    user = User.objects.get(email="new.lead@alpha.example")
    assert Membership.objects.get(user=user, organization=cast.alpha).role == "analyst"
    assert visitor.get("/o/alpha/results/").status_code == 200  # signed in
    # single use
    assert Client().get(link).status_code == 404
    summaries = [e.summary for e in _changes(cast)]
    assert summaries == [
        "Invited new.lead@alpha.example as Analyst",
        "new.lead@alpha.example accepted the invitation as Analyst",
    ]


def test_a_weak_password_is_refused_by_the_validators(
    cast: Cast, login: Callable[[User], Client]
) -> None:
    _invite(login(cast.owner))
    link = _link()
    page = Client().post(link, {"full_name": "N", "password1": "12345678", "password2": "12345678"})
    assert page.status_code == 200
    assert "too common" in page.content.decode()
    assert not User.objects.filter(email="new.lead@alpha.example").exists()


def test_an_expired_or_withdrawn_invitation_cannot_be_used(
    cast: Cast, login: Callable[[User], Client]
) -> None:
    admin = login(cast.owner)
    _invite(admin)
    link = _link()
    AccessInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(link).status_code == 404
    _invite(admin, email="second@alpha.example")
    link = _link()
    invitation = AccessInvitation.objects.get(email="second@alpha.example")
    withdraw = f"/o/alpha/settings/invitations/{invitation.pk}/withdraw/"
    assert admin.post(withdraw).status_code == 302
    assert Client().get(link).status_code == 404


def test_an_invitation_is_bound_to_its_address(cast: Cast, login: Callable[[User], Client]) -> None:
    _invite(login(cast.owner))
    link = _link()
    other = Client()
    other.force_login(cast.outsider)
    page = other.post(link)
    assert "This invitation is for new.lead@alpha.example" in page.content.decode()
    assert not Membership.objects.filter(user=cast.outsider, organization=cast.alpha).exists()


def test_an_existing_account_accepts_after_signing_in(cast: Cast) -> None:
    invite(cast.beta, by=cast.outsider, email=cast.analyst.email, role="executive")
    link = _link()
    assert "Sign in" in Client().get(link).content.decode()
    client = Client()
    client.post("/accounts/login/", {"username": cast.analyst.email, "password": PASSWORD})
    assert client.post(link).status_code == 302
    assert Membership.objects.get(user=cast.analyst, organization=cast.beta).role == "executive"


def test_a_leader_can_lead_several_subtrees(cast: Cast, login: Callable[[User], Client]) -> None:
    admin = login(cast.owner)
    member = Membership.objects.get(user=cast.leader, organization=cast.alpha)
    medicine = cast.unit(cast.alpha, "Alpha Health/Site A/Medicine")
    peds = cast.unit(cast.alpha, "Alpha Health/Site B/Pediatrics")
    response = admin.post(
        f"/o/alpha/settings/people/{member.pk}/",
        {f"m{member.pk}-role": "leader", f"m{member.pk}-units": [medicine.pk, peds.pk]},
    )
    assert response.status_code == 302
    member = Membership.objects.get(pk=member.pk)
    names = set(visible_units(member).values_list("full_name", flat=True))
    assert names == {
        "Alpha Health/Site A/Medicine",
        "Alpha Health/Site A/Medicine/Cardiology",
        "Alpha Health/Site B/Pediatrics",
    }
    entry = _changes(cast)[-1]
    assert entry.detail["before"] == {"role": "leader", "units": ["Alpha Health/Site A/Medicine"]}
    assert entry.detail["after"]["units"] == [
        "Alpha Health/Site A/Medicine",
        "Alpha Health/Site B/Pediatrics",
    ]
    leader = Client()
    leader.force_login(cast.leader)
    assert leader.get(f"/o/alpha/units/{peds.pk}/").status_code == 200


def test_the_last_administrator_cannot_be_demoted_or_removed(cast: Cast) -> None:
    owner = Membership.objects.get(user=cast.owner, organization=cast.alpha)
    with pytest.raises(PeopleError, match="last administrator"):
        change_role(owner, by=cast.owner, role="analyst")
    with pytest.raises(PeopleError, match="last administrator"):
        remove_access(owner, by=cast.owner)
    analyst = Membership.objects.get(user=cast.analyst, organization=cast.alpha)
    change_role(analyst, by=cast.owner, role="admin")
    change_role(owner, by=cast.owner, role="executive")  # another admin remains
    assert Membership.objects.get(pk=owner.pk).role == "executive"


def test_the_last_administrator_sees_why_on_the_page(
    cast: Cast, login: Callable[[User], Client]
) -> None:
    admin = login(cast.owner)
    owner = Membership.objects.get(user=cast.owner, organization=cast.alpha)
    page = admin.post(f"/o/alpha/settings/people/{owner.pk}/remove/", follow=True)
    assert "last administrator cannot be removed" in page.content.decode()
    assert Membership.objects.filter(pk=owner.pk).exists()


def test_removing_access_is_audited(cast: Cast, login: Callable[[User], Client]) -> None:
    admin = login(cast.owner)
    member = Membership.objects.get(user=cast.executive, organization=cast.alpha)
    assert admin.post(f"/o/alpha/settings/people/{member.pk}/remove/").status_code == 302
    assert not Membership.objects.filter(pk=member.pk).exists()
    entry = _changes(cast)[-1]
    assert entry.summary == "Removed executive@example.org's access"
    assert entry.detail["before"] == {"role": "executive", "units": []}
    assert entry.actor_email == cast.owner.email


def test_only_administrators_manage_people(cast: Cast, login: Callable[[User], Client]) -> None:
    owner = Membership.objects.get(user=cast.owner, organization=cast.alpha)
    for user, status in ((cast.leader, 403), (cast.analyst, 403), (cast.outsider, 404)):
        client = login(user)
        assert client.get("/o/alpha/settings/people/").status_code == status
        assert client.post(f"/o/alpha/settings/people/{owner.pk}/remove/").status_code == status
        assert _invite(client).status_code == status
    # another organization's member cannot be reached through one's own organization
    beta_admin = Membership.objects.get(user=cast.outsider, organization=cast.beta)
    admin = login(cast.owner)
    assert admin.post(f"/o/alpha/settings/people/{beta_admin.pk}/remove/").status_code == 404
    assert Membership.objects.filter(pk=beta_admin.pk).exists()


def test_the_people_page_lists_members_and_invitations(
    cast: Cast, login: Callable[[User], Client]
) -> None:
    admin = login(cast.owner)
    _invite(admin, email="pending@alpha.example")
    text = admin.get("/o/alpha/settings/people/").content.decode()
    assert "pending@alpha.example" in text
    assert "leader@example.org" in text
    assert "Alpha Health/Site A/Medicine" in text
