"""Demo step: a synthetic audit log for Riverside's physicians and APPs, computed like an upload.

The log comes from :mod:`clinwell.synth.audit_log`: a few template clinicians are generated
(8 weeks of sessions, activity windows in and outside sessions, orders), their events thinned
to at most one per 150-second slot (so the demo stays small while consecutive events within
a burst of activity stay under the 300-second idle timeout), and each roster clinician gets a
template's stream under their ``Person.external_id``. To give the page something to show, the
share of EHR work kept *outside* sessions is planted per unit, rising with the unit's burnout
rate released for it in the latest closed wave (demo data only; no real association is
implied). A handful of ids not on the roster show how unmatched ids are reported. The files
go through the same service as an upload
(:func:`~clinwell.web.ehrburden.services.runs.execute_run`).
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from clinwell.ehr.params import MetricParams
from clinwell.synth.audit_log import AuditLogSpec, clinician_id, generate_audit_log
from clinwell.web.demo import DemoContext
from clinwell.web.ehrburden.models import EhrRun
from clinwell.web.ehrburden.services.inputs import RunInput
from clinwell.web.ehrburden.services.report import BURNOUT_SCORE, latest_burnout_wave
from clinwell.web.ehrburden.services.runs import create_run, execute_run
from clinwell.web.orgs.models import Membership, Organization, Person
from clinwell.web.results.services.cache import results_for

TEMPLATES = 12
WEEKS = 8
SLOT_SECONDS = 150
EHR_ROLES = ("physician", "app")
DEMO_TIME_ZONE = "America/Chicago"
UNMATCHED = 6


def _thin(events: pd.DataFrame) -> pd.DataFrame:
    """Keep each clinician's first event per ``SLOT_SECONDS`` slot."""
    slot = events["event_time"].astype("int64") // (SLOT_SECONDS * 1_000_000)
    return events.loc[~pd.DataFrame({"c": events["clinician_id"], "s": slot}).duplicated()]


def _burnout_by_unit(org: Organization) -> dict[int, float]:
    wave = latest_burnout_wave(org)
    if wave is None:
        return {}
    # The released burnout rate of each unit the gate publishes (the demo reads results the
    # way every page does: from the wave's one release).
    rates: dict[int, float] = {}
    for cell in results_for(wave).cells(None):
        estimate = None if cell.suppressed else cell.estimates.get(BURNOUT_SCORE)
        if cell.unit_id is not None and estimate and estimate.get("estimate") is not None:
            rates[cell.unit_id] = float(estimate["estimate"])
    return rates


def _log(org: Organization, seed: int, start: pd.Timestamp) -> dict[str, pd.DataFrame]:
    spec = AuditLogSpec(
        clinicians=TEMPLATES, days=7 * WEEKS, seed=seed, start=start.date(), with_details=False
    )
    log = generate_audit_log(spec)
    events = _thin(log.events)
    when = events["event_time"]
    events = events.assign(
        outside=(when.dt.hour < 7) | (when.dt.hour >= 18) | (when.dt.day_of_week == 6)
    )
    people: list[tuple[str, int | None]] = list(
        Person.objects.filter(organization=org, role__in=EHR_ROLES, active=True)
        .exclude(external_id="")
        .order_by("pk")
        .values_list("external_id", "unit_id")
    )
    people += [(f"X9{i:04d}", None) for i in range(UNMATCHED)]
    rates = _burnout_by_unit(org)
    roster = pd.DataFrame(
        {
            "external_id": [p[0] for p in people],
            "template": [clinician_id(i % TEMPLATES) for i in range(len(people))],
            "keep_outside": [
                float(np.clip(0.15 + 1.6 * rates.get(unit or -1, 0.3), 0.1, 1.0))
                for _, unit in people
            ],
        }
    )

    def clone(frame: pd.DataFrame) -> pd.DataFrame:
        merged = frame.rename(columns={"clinician_id": "template"}).merge(roster, on="template")
        return merged.rename(columns={"external_id": "clinician_id"})

    ev = clone(events)
    keep = ~ev["outside"].to_numpy() | (
        np.random.default_rng(seed).random(len(ev)) < ev["keep_outside"].to_numpy()
    )
    orders = clone(log.orders)
    orders["order_id"] = orders["clinician_id"] + "-" + orders["order_id"]
    orders["entered_by"] = orders["entered_by"].where(
        orders["entered_by"] != orders["template"], orders["clinician_id"]
    )
    return {
        "events": ev.loc[keep, ["clinician_id", "event_time", "action"]],
        "schedule": clone(log.schedule)[["clinician_id", "start", "end"]],
        "actions": log.actions,
        "orders": orders[["order_id", "clinician_id", "entered_by", "event_time"]],
        "messages": clone(log.messages)[["clinician_id", "received_time", "message_type"]],
    }


def _compute(context: DemoContext, org: Organization, seed: int, start: pd.Timestamp) -> EhrRun:
    tables = _log(org, seed, start)
    folder = Path(tempfile.mkdtemp(prefix="clinwell-ehr-demo-"))
    inputs = []
    for kind, frame in tables.items():
        path = folder / (f"{kind}.csv" if kind == "actions" else f"{kind}.parquet")
        if kind == "actions":
            frame.to_csv(path, index=False)
        else:
            frame.to_parquet(path, index=False)
        inputs.append(RunInput(kind, path, f"demo-{path.name}", temporary=True))
    admin = Membership.objects.get(user=context.objects["user:admin"], organization=org)
    params = MetricParams(time_zone=DEMO_TIME_ZONE)
    run = create_run(admin, admin.user, inputs, params, source=EhrRun.Source.DEMO)
    status = execute_run(run.pk)
    folder.rmdir() if folder.exists() and not any(folder.iterdir()) else None
    run.refresh_from_db()
    context.log(
        f"EHR metrics ({status}): {len(tables['events']):,} synthetic audit events of "
        f"{run.clinicians} clinicians over {WEEKS} weeks from {start.date()}; "
        f"{run.matched} matched the roster."
    )
    return run


def load(context: DemoContext) -> None:
    """Two runs, the earlier 8 weeks and the latest 8 weeks before the latest closed wave, so
    the page has a trend across runs."""
    org: Organization = context.objects["organization"]
    wave = latest_burnout_wave(org)
    end = pd.Timestamp(wave.closes_at.date() if wave else pd.Timestamp.today().date())
    start = end - pd.Timedelta(days=end.weekday()) - timedelta(weeks=WEEKS)
    seed = context.seed % 2**31
    _compute(context, org, seed + 1, start - timedelta(weeks=WEEKS))
    context.objects["ehr_run"] = _compute(context, org, seed, start)
