"""Prepare the launch-day benchmark database: an organization, its roster and an open wave.

Run by ``benchmarks/bench_launch.py`` in a child process with the same environment as the
server (``DATABASE_URL``, ``SECRET_KEY``, ``CLINWELL_ENV``). Everything goes through the
product's own service functions — unit and roster import, ``create_wave``, ``launch_wave`` —
exactly as an administrator's clicks would. The plan written to ``--out`` (JSON) holds what
the load generator needs and nothing Django-specific: the wave id, every invitation's link
token (derived from ``SECRET_KEY`` as in the invitation e-mail) and, per form field, the
valid answers.

Run:  python benchmarks/launch_setup.py --people 20000 --out plan.json
"""

from __future__ import annotations

import argparse
import io
import json
import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

MODULES = ("single_item_burnout", "who5", "intent_to_leave", "org_wellbeing", "admin_burden")
SITES, DEPARTMENTS, CLINICS = 4, 8, 5  # 4 + 32 + 160 units under one system
ROLES = ("physician", "physician", "nurse", "nurse", "app", "resident", "other")
TENURE = ("lt1", "1to5", "6to10", "11to20", "gt20")


def _units_csv() -> str:
    rows = ["path,kind", "Launch Health,system"]
    for s in range(SITES):
        site = f"Launch Health/Site {s + 1}"
        rows.append(f"{site},site")
        for d in range(DEPARTMENTS):
            dept = f"{site}/Department {d + 1}"
            rows.append(f"{dept},department")
            rows.extend(f"{dept}/Clinic {c + 1},clinic" for c in range(CLINICS))
    return "\n".join(rows) + "\n"


def _roster_csv(people: int) -> str:
    clinics = [
        f"Launch Health/Site {s + 1}/Department {d + 1}/Clinic {c + 1}"
        for s in range(SITES)
        for d in range(DEPARTMENTS)
        for c in range(CLINICS)
    ]
    rows = ["email,name,unit,role,tenure_band"]
    for i in range(people):
        rows.append(
            f"p{i}@launch.example,Person {i},{clinics[i % len(clinics)]},"
            f"{ROLES[i % len(ROLES)]},{TENURE[(i // 7) % len(TENURE)]}"
        )
    return "\n".join(rows) + "\n"


def _field_choices(form: Any) -> dict[str, list[str]]:
    """Valid answers per field: option codes (plus ``pna`` where allowed) or sample numbers."""
    from clinwell.web.surveys.services.form import PREFER_NOT

    fields: dict[str, list[str]] = {}
    for question in form.questions():
        item = question.item
        if item.options:
            values = [str(o.code) for o in item.options]
        else:
            low = item.min_value or 0.0
            high = min(item.max_value if item.max_value is not None else 60.0, low + 60.0)
            values = [f"{low + (high - low) * k / 10:g}" for k in range(11)]
            if item.type == "integer":
                values = [str(int(float(v))) for v in values]
        if item.prefer_not_to_answer:
            values.append(PREFER_NOT)
        fields[question.field_name] = values
    return fields


def prepare(people: int) -> dict[str, Any]:
    """Migrate, create the organization, import units and roster, create and launch a wave."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from clinwell.web.orgs.services.organizations import create_organization
    from clinwell.web.orgs.services.roster import import_roster
    from clinwell.web.orgs.services.units import import_units
    from clinwell.web.surveys.models import Invitation
    from clinwell.web.surveys.services.form import build_form
    from clinwell.web.surveys.services.tokens import invitation_token
    from clinwell.web.surveys.services.waves import ModuleChoice, create_wave, launch_wave

    call_command("migrate", interactive=False, verbosity=0)
    org = create_organization("Launch Health", slug="launch", state="MA")
    import_units(org, "units.csv", io.BytesIO(_units_csv().encode()))
    import_roster(org, "roster.csv", io.BytesIO(_roster_csv(people).encode()))
    now = timezone.now()
    wave = create_wave(
        org,
        name="Launch-day wave",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=14),
        time_zone="America/New_York",
        modules=[ModuleChoice(m) for m in MODULES],
    )
    invited = launch_wave(wave)
    ids = Invitation.objects.filter(wave=wave).values_list("id", flat=True)
    tokens = [invitation_token(i) for i in ids]
    form = build_form(wave)
    return {
        "wave_id": wave.pk,
        "invitations": invited,
        "questions": form.question_count,
        "fields": _field_choices(form),
        "tokens": tokens,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinwell.web.settings")
    started = time.perf_counter()
    plan = prepare(args.people)
    plan["setup_seconds"] = round(time.perf_counter() - started, 1)
    args.out.write_text(json.dumps(plan), encoding="utf-8")


if __name__ == "__main__":
    main()
