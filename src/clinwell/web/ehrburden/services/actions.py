"""The organization's own action mappings (the mapping page) and the map a run uses.

Vendors do not publish what every audit-log action or metric code means, and the shipped
Epic-style map is unconfirmed. After a run, the codes that no map knew are listed with their
event counts (``run_info["unmapped_actions"]``); an administrator or analyst assigns each an
activity, and every later run of the organization uses those assignments over the uploaded (or
default) map. Saving changes nothing already computed: run again to use them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from django.db import transaction

from clinwell.ehr import ACTIVITIES, default_action_map
from clinwell.web.accounts.models import User
from clinwell.web.ehrburden.models import ActionMapping
from clinwell.web.ehrburden.services.inputs import InputError
from clinwell.web.orgs.access import require_role
from clinwell.web.orgs.models import Membership, Organization

UNSET = ""
"""The mapping page's choice for "leave it as other"."""


def saved_mappings(organization: Organization) -> dict[str, str]:
    """``action → activity`` saved by the organization."""
    return dict(
        ActionMapping.objects.filter(organization=organization).values_list("action", "activity")
    )


def _read_map(path: str) -> pd.DataFrame:
    p = Path(path)
    try:
        if p.suffix.lower() in (".parquet", ".pq"):
            frame = pd.read_parquet(p)
        else:
            frame = pd.read_csv(p, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise InputError(f"actions: {p.name}: cannot be read ({exc})") from exc
    frame.columns = [str(c).lower() for c in frame.columns]
    missing = [c for c in ("action", "activity") if c not in frame.columns]
    if missing:
        raise InputError(f"actions: {p.name}: missing column(s) {', '.join(missing)}")
    return frame


def organization_action_map(
    organization: Organization, path: str | None
) -> str | pd.DataFrame | None:
    """The action map of a run: the uploaded file (or the default map) with the organization's
    saved mappings over it. Without saved mappings, the file itself (so its problems name it)."""
    saved = saved_mappings(organization)
    if not saved:
        return path
    base = _read_map(path) if path else default_action_map()
    kept = base[~base["action"].astype(str).isin(saved)]
    extra = pd.DataFrame({"action": list(saved), "activity": list(saved.values())})
    columns = ["action", "activity"]
    return pd.concat([kept[columns], extra], ignore_index=True)


def save_mappings(
    membership: Membership, user: User | None, choices: Mapping[str, str]
) -> tuple[int, int]:
    """Save ``action → activity`` (an empty activity removes the mapping); return
    (saved, removed). Administrators and analysts only; unknown activities are refused."""
    require_role(membership, Membership.Role.ADMIN, Membership.Role.ANALYST)
    bad = sorted({a for a in choices.values() if a and a not in ACTIVITIES})
    if bad:
        raise InputError(f"activity: {bad[0]!r} is not one of {', '.join(ACTIVITIES)}")
    org = membership.organization
    saved = removed = 0
    with transaction.atomic():
        for action, activity in choices.items():
            action = action.strip()
            if not action:
                continue
            if activity == UNSET:
                removed += ActionMapping.objects.filter(organization=org, action=action).delete()[0]
                continue
            ActionMapping.objects.update_or_create(
                organization=org,
                action=action,
                defaults={"activity": activity, "updated_by": user},
            )
            saved += 1
    return saved, removed
