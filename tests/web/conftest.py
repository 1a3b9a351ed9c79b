"""The named cast of the web tests (healthchecks' Alice/Bob/Charlie pattern).

Two tenants: *Alpha Health* (the cast's own) and *Beta Clinic* (an outsider's). In Alpha,
``owner`` is an administrator, ``leader`` leads ``Site A/Medicine`` only, ``analyst`` and
``executive`` see the whole organization. ``outsider`` administers Beta.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from clinwell.web.accounts.models import User
from clinwell.web.orgs.models import Organization, Person, Unit
from clinwell.web.orgs.services.organizations import create_organization, grant_membership
from clinwell.web.orgs.services.roster import import_roster
from clinwell.web.orgs.services.units import import_units

PASSWORD = "correct horse battery staple"

ALPHA_UNITS = """path,kind
Alpha Health,system
Alpha Health/Site A,site
Alpha Health/Site A/Medicine,department
Alpha Health/Site A/Medicine/Cardiology,clinic
Alpha Health/Site A/Surgery,department
Alpha Health/Site B/Pediatrics,department
"""

ALPHA_ROSTER = """email,name,unit,role,tenure_band
card1@alpha.example,Card One,Alpha Health/Site A/Medicine/Cardiology,physician,1to5
card2@alpha.example,Card Two,Alpha Health/Site A/Medicine/Cardiology,nurse,6to10
med1@alpha.example,Med One,Alpha Health/Site A/Medicine,app,lt1
surg1@alpha.example,Surg One,Alpha Health/Site A/Surgery,physician,gt20
peds1@alpha.example,Peds One,Alpha Health/Site B/Pediatrics,resident,lt1
"""


@dataclass
class Cast:
    alpha: Organization
    beta: Organization
    owner: User
    leader: User
    analyst: User
    executive: User
    outsider: User

    def unit(self, org: Organization, path: str) -> Unit:
        return Unit.objects.get(organization=org, full_name=path)

    def person(self, email: str) -> Person:
        return Person.objects.get(email=email)


def make_user(email: str) -> User:
    return User.objects.create_user(email, PASSWORD, full_name=email.split("@")[0].title())


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


def build_cast() -> Cast:
    """The two tenants and the named users (outside a fixture, for module-scoped worlds)."""
    alpha = create_organization("Alpha Health", slug="alpha", state="MA")
    import_units(alpha, "units.csv", io.BytesIO(ALPHA_UNITS.encode()))
    import_roster(alpha, "roster.csv", io.BytesIO(ALPHA_ROSTER.encode()))
    beta = create_organization("Beta Clinic", slug="beta", state="MN")
    import_units(beta, "units.csv", io.BytesIO(b"path\nBeta Clinic/Family Medicine\n"))
    import_roster(
        beta,
        "roster.csv",
        io.BytesIO(b"email,unit,role\nfm1@beta.example,Beta Clinic/Family Medicine,physician\n"),
    )
    people = {
        role: make_user(f"{role}@example.org")
        for role in ("owner", "leader", "analyst", "executive", "outsider")
    }
    grant_membership(people["owner"], alpha, "admin")
    medicine = Unit.objects.get(organization=alpha, full_name="Alpha Health/Site A/Medicine")
    grant_membership(people["leader"], alpha, "leader", medicine)
    grant_membership(people["analyst"], alpha, "analyst")
    grant_membership(people["executive"], alpha, "executive")
    grant_membership(people["outsider"], beta, "admin")
    return Cast(alpha=alpha, beta=beta, **people)


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    def _login(user: User) -> Client:
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def upload(tmp_path: Path) -> Callable[[str, str | bytes], io.BytesIO]:
    def _upload(name: str, content: str | bytes) -> io.BytesIO:
        data = content.encode() if isinstance(content, str) else content
        stream = io.BytesIO(data)
        stream.name = name
        return stream

    return _upload


@pytest.fixture(autouse=True)
def _no_two_factor_enforcement(settings: pytest.FixtureRequest) -> None:
    """Tests sign in with a password alone; tests/web/accounts/test_two_factor.py turns it on."""
    settings.TWO_FACTOR_ENFORCED = False  # type: ignore[attr-defined]
