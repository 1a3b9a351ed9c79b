"""Fixtures for the EHR pages: a small synthetic audit log whose clinicians are on Alpha's roster.

Roster: 6 clinicians in Cardiology, 5 in Surgery, 2 in Pediatrics (too few to show), each with
``external_id`` = the generator's clinician id; 2 more ids in the log are not on the roster.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from django.test import Client

from clinwell.synth.audit_log import AuditLog, clinician_id, generate_audit_log
from clinwell.web.orgs.models import Person
from clinwell.web.surveys.models import Wave, WaveModule
from tests.web.conftest import Cast
from tests.web.sealed import payload, store

CARDIOLOGY = "Alpha Health/Site A/Medicine/Cardiology"
SURGERY = "Alpha Health/Site A/Surgery"
PEDIATRICS = "Alpha Health/Site B/Pediatrics"
ROSTER = {CARDIOLOGY: 6, SURGERY: 5, PEDIATRICS: 2}
UNMATCHED = 2


@dataclass
class LogFiles:
    log: AuditLog
    directory: Path
    units: dict[str, str]  # clinician id -> unit path (roster clinicians only)

    def path(self, name: str) -> Path:
        return self.directory / name


@pytest.fixture(scope="session")
def audit_log(tmp_path_factory: pytest.TempPathFactory) -> LogFiles:
    n = sum(ROSTER.values()) + UNMATCHED
    log = generate_audit_log(clinicians=n, days=10, seed=7, with_details=False)
    folder = tmp_path_factory.mktemp("ehr-log")
    log.events.to_csv(folder / "events.csv", index=False)
    log.events.to_parquet(folder / "events.parquet", index=False)
    log.schedule.to_parquet(folder / "schedule.parquet", index=False)
    log.schedule.to_csv(folder / "schedule.csv", index=False)
    log.actions.to_csv(folder / "actions.csv", index=False)
    log.orders.to_parquet(folder / "orders.parquet", index=False)
    units, i = {}, 0
    for path, count in ROSTER.items():
        for _ in range(count):
            units[clinician_id(i)] = path
            i += 1
    return LogFiles(log, folder, units)


@pytest.fixture(autouse=True)
def ehr_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    dirs = {"upload": tmp_path / "uploads", "import": tmp_path / "imports"}
    dirs["import"].mkdir()
    monkeypatch.setenv("CLINWELL_EHR_UPLOAD_DIR", str(dirs["upload"]))
    monkeypatch.setenv("CLINWELL_EHR_IMPORT_DIR", str(dirs["import"]))
    return dirs


@pytest.fixture
def roster(cast: Cast, audit_log: LogFiles) -> dict[str, str]:
    for cid, path in audit_log.units.items():
        Person.objects.create(
            organization=cast.alpha,
            email=f"{cid.lower()}@alpha.example",
            unit=cast.unit(cast.alpha, path),
            role="physician",
            external_id=cid,
        )
    return audit_log.units


def upload_form(files: LogFiles, **overrides: Any) -> dict[str, Any]:
    """POST data of the run form: events CSV, schedule, action map and orders."""
    data: dict[str, Any] = {
        "source": "upload",
        "period": "week",
        "idle_timeout": "300",
        "gap_rule": "drop",
        "wow_mode": "schedule",
        "buffer_minutes": "0",
        "clock_start": "07:00",
        "clock_end": "17:30",
        "clock_days": ["0", "1", "2", "3", "4"],
        "events_file": files.path("events.csv").open("rb"),
        "schedule_file": files.path("schedule.parquet").open("rb"),
        "actions_file": files.path("actions.csv").open("rb"),
        "orders_file": files.path("orders.parquet").open("rb"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def post_run(login: Callable[..., Client], cast: Cast) -> Callable[..., Any]:
    def _post(user: Any, data: dict[str, Any], org: str = "alpha") -> Any:
        client = login(user)
        return client.post(f"/o/{org}/ehr/new/", data)

    return _post


def truth_by_clinician(log: AuditLog) -> pd.DataFrame:
    """Per clinician over all weeks: X8 = 8·ΣX_hours/Σscheduled_hours (planted truth)."""
    t = log.truth("week").groupby("clinician_id").sum(numeric_only=True)
    out = pd.DataFrame(index=t.index)
    for key, col in [
        ("ehr_time8", "ehr_hours"),
        ("wow8", "wow_hours"),
        ("ib_time8", "inbox_hours"),
    ]:
        out[key] = np.where(t["scheduled_hours"] > 0, 8 * t[col] / t["scheduled_hours"], np.nan)
    return out


def closed_burnout_wave(cast: Cast, flags: dict[str, list[bool]], min_n: int = 5) -> Wave:
    """A closed wave with the single-item burnout module and these burnout flags per unit."""
    wave = Wave.objects.create(
        organization=cast.alpha,
        name="Spring survey",
        opens_at=datetime(2024, 3, 1, 12, tzinfo=UTC),
        closes_at=datetime(2024, 3, 29, 12, tzinfo=UTC),
        status=Wave.Status.CLOSED,
        min_n_scores=min_n,
        launched_on=date(2024, 3, 1),
        closed_on=date(2024, 3, 29),
    )
    WaveModule.objects.create(wave=wave, instrument_id="single_item_burnout")
    for path, values in flags.items():
        unit = cast.unit(cast.alpha, path)
        store(wave, (payload(unit, scores={"single_item_burnout.burnout": v}) for v in values))
    return wave
