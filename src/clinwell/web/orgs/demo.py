"""Demo step: the organization, its unit tree, a roster of ~600 clinicians, and users."""

from __future__ import annotations

import csv
import io
import random

from clinwell.synth.survey import DEMO_UNITS
from clinwell.web.accounts.models import User
from clinwell.web.demo import DEMO_PASSWORD, DEMO_SLUG, DemoContext
from clinwell.web.orgs.models import Unit
from clinwell.web.orgs.services.organizations import create_organization, grant_membership
from clinwell.web.orgs.services.roster import import_roster
from clinwell.web.orgs.services.units import import_units

ROLE_WEIGHTS = {"physician": 0.55, "app": 0.2, "nurse": 0.12, "resident": 0.1, "other": 0.03}
TENURE_WEIGHTS = {"lt1": 0.1, "1to5": 0.3, "6to10": 0.25, "11to20": 0.22, "gt20": 0.13}
FIRST = [
    "Alex",
    "Sam",
    "Jordan",
    "Priya",
    "Wei",
    "Maria",
    "Omar",
    "Grace",
    "Liam",
    "Ana",
    "Noah",
    "Fatima",
    "Chen",
    "Sofia",
    "Kwame",
    "Elena",
    "Ravi",
    "Hana",
    "Luis",
    "Mei",
]
LAST = [
    "Nguyen",
    "Johnson",
    "Patel",
    "Garcia",
    "Kim",
    "Olsen",
    "Haddad",
    "Lindqvist",
    "Okafor",
    "Schmidt",
    "Rossi",
    "Yamamoto",
    "Cohen",
    "Novak",
    "Larsen",
    "Silva",
    "Ahmed",
    "Berg",
]


def _csv_bytes(header: list[str], rows: list[list[str]]) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode())


def load(context: DemoContext) -> None:
    rng = random.Random(context.seed)
    org = create_organization("Riverside Health", slug=DEMO_SLUG, state="MN")
    import_units(org, "demo-units.csv", _csv_bytes(["path"], [[p] for p, _ in DEMO_UNITS]))

    rows: list[list[str]] = []
    for path, headcount in DEMO_UNITS:
        for _ in range(headcount):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            n = len(rows) + 1
            role = rng.choices(list(ROLE_WEIGHTS), weights=list(ROLE_WEIGHTS.values()))[0]
            tenure = rng.choices(list(TENURE_WEIGHTS), weights=list(TENURE_WEIGHTS.values()))[0]
            email = f"{first}.{last}.{n}@riverside.example".lower()
            rows.append([email, f"{first} {last}", path, role, tenure, f"E{n:05d}"])
    import_roster(
        org,
        "demo-roster.csv",
        _csv_bytes(["email", "name", "unit", "role", "tenure_band", "external_id"], rows),
    )

    medicine = Unit.objects.get(organization=org, full_name="Riverside Health/Main Campus/Medicine")
    users = {
        "admin": ("admin@demo.clinwell.org", "Dana Whitfield", None),
        "executive": ("executive@demo.clinwell.org", "Morgan Ellis", None),
        "leader": ("leader@demo.clinwell.org", "Dr. Ines Ortega", medicine),
        "analyst": ("analyst@demo.clinwell.org", "Kai Brennan", None),
    }
    for role, (email, name, unit) in users.items():
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, DEMO_PASSWORD, full_name=name
        )
        grant_membership(user, org, role, unit)
        context.objects[f"user:{role}"] = user
    context.objects["organization"] = org
    context.log(
        f"Demo organization '{org.name}': {len(DEMO_UNITS)} clinical units, {len(rows)} people."
    )
