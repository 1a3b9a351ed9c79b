"""Load the demo organization: each app contributes a ``demo.load(context)`` step.

Apps run in ``INSTALLED_APPS`` order, so the organization and roster exist before survey
waves, results, EHR metrics and action plans are added on top.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction

DEMO_SLUG = "riverside"
DEMO_PASSWORD = "clinwell-demo"  # noqa: S105 - published on purpose: demo only


@dataclass
class DemoContext:
    """What demo steps share: the organization, the demo users, a seed and a log."""

    log: Callable[[str], None]
    seed: int = 20261123
    objects: dict[str, Any] = field(default_factory=dict)


def demo_credentials() -> list[tuple[str, str, str]]:
    """(role, e-mail, password) of every demo login."""
    return [
        ("Administrator (well-being program lead)", "admin@demo.clinwell.org", DEMO_PASSWORD),
        ("Executive viewer", "executive@demo.clinwell.org", DEMO_PASSWORD),
        ("Unit leader (Main Campus / Medicine)", "leader@demo.clinwell.org", DEMO_PASSWORD),
        ("Analyst", "analyst@demo.clinwell.org", DEMO_PASSWORD),
        ("Consortium staff (state collaborative)", "consortium@demo.clinwell.org", DEMO_PASSWORD),
    ]


def load_demo(log: Callable[[str], None] = print, *, reset: bool = False) -> bool:
    """Create the demo organization unless it exists; return True if it was created."""
    from clinwell.web.orgs.models import Organization

    existing = Organization.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None and not reset:
        log("The demo organization already exists; leaving it as it is.")
        return False
    context = DemoContext(log=log)
    with transaction.atomic():
        if existing is not None:
            from clinwell.web.orgs.services.organizations import delete_organization

            delete_organization(existing)
        for app in apps.get_app_configs():
            if not app.name.startswith("clinwell.web."):
                continue
            try:
                module = importlib.import_module(f"{app.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app.name}.demo":
                    raise
                continue
            module.load(context)
    return True
