"""What a run keeps so that the next month can be added without reading the old events again.

A run's *state* holds its daily sums (per clinician and local day: events, µs of each kind of
time, orders, messages), its validated sessions, the last event of every clinician (its gap
waits for the next event, which may come in the next extract), the latest event instant
(``through``), the parameters and a digest of the action map, and the metrics table.

An incremental run reads only the new events. Each clinician's last old event is put back in
front of their first new one, so it receives exactly the gap a full run would give it; the new
daily sums are added to the old ones and only the periods that received something are
assembled again; every other period keeps its rows. The result equals a full run on all the
events (``tests/ehr/test_incremental.py``), provided that

- the parameters and action map are the same (checked);
- no new event, order or message is earlier than the previous run's latest event (checked);
- new sessions that could contain old events (starting, widened by the buffer, at or before
  ``through``) are ones the previous run already had (checked; later sessions come from the
  new schedule, which may repeat the old one).

State is written next to the output as ``NAME.state/`` (Parquet files and ``state.json``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from clinwell.ehr.problems import EhrInputError

STATE_VERSION = 1
PARTS = ("daily", "orders", "messages", "sessions", "tails", "metrics")


@dataclass(frozen=True)
class RunState:
    """Everything an incremental run needs from the previous one."""

    parameters: dict[str, Any]
    actions_digest: str
    through: int | None
    daily: pd.DataFrame
    orders: pd.DataFrame | None
    messages: pd.DataFrame | None
    sessions: pd.DataFrame
    tails: pd.DataFrame
    metrics: pd.DataFrame


def actions_digest(actions: pd.DataFrame) -> str:
    """A digest of the validated action map (sorted rows), to detect a changed map."""
    rows = sorted(zip(actions["action"].astype(str), actions["activity"].astype(str), strict=True))
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:16]


def state_dir(output: str | Path) -> Path:
    """``metrics.parquet`` → ``metrics.state/``."""
    p = Path(output)
    return p.with_name(p.stem + ".state")


def write_state(state: RunState, directory: Path) -> None:
    """Write ``state`` into ``directory``, replacing what is there only once every file is
    written (a failure leaves the previous state as it was)."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}."))
    try:
        for name in PARTS:
            frame = getattr(state, name)
            if frame is not None:
                frame.to_parquet(fresh / f"{name}.parquet", index=False)
        meta = {
            "version": STATE_VERSION,
            "parameters": state.parameters,
            "actions_digest": state.actions_digest,
            "through": state.through,
        }
        (fresh / "state.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        old = directory.with_name(directory.name + ".old")
        if directory.exists():
            directory.rename(old)
        fresh.rename(directory)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise


def read_state(output: str | Path) -> RunState:
    """The state written with the metrics file ``output`` (or a ``.state`` directory)."""
    directory = Path(output)
    if directory.suffix != ".state":
        directory = state_dir(directory)
    meta_file = directory / "state.json"
    if not meta_file.is_file():
        raise EhrInputError(
            f"previous: {directory}: no saved state (state.json); run the full computation once"
        )
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    if meta.get("version") != STATE_VERSION:
        raise EhrInputError(f"previous: {directory}: state version {meta.get('version')!r}")

    def part(name: str) -> pd.DataFrame | None:
        f = directory / f"{name}.parquet"
        return pd.read_parquet(f) if f.exists() else None

    frames = {name: part(name) for name in PARTS}
    for name in ("daily", "sessions", "tails", "metrics"):
        if frames[name] is None:
            raise EhrInputError(f"previous: {directory}: {name}.parquet is missing")
    metrics = frames["metrics"]
    assert metrics is not None
    metrics["period_start"] = pd.to_datetime(metrics["period_start"]).dt.date
    return RunState(
        parameters=meta["parameters"],
        actions_digest=meta["actions_digest"],
        through=meta["through"],
        daily=frames["daily"],  # type: ignore[arg-type]
        orders=frames["orders"],
        messages=frames["messages"],
        sessions=frames["sessions"],  # type: ignore[arg-type]
        tails=frames["tails"],  # type: ignore[arg-type]
        metrics=metrics,
    )


def add_daily(
    old: pd.DataFrame | None, new: pd.DataFrame | None, keys: list[str]
) -> pd.DataFrame | None:
    """Daily sums of two runs added per key (either may be None)."""
    frames = [f for f in (old, new) if f is not None]
    if not frames:
        return None
    both = pd.concat(frames, ignore_index=True)
    both["clinician_id"] = both["clinician_id"].astype(str)
    values = [c for c in both.columns if c not in keys]
    return both.groupby(keys, as_index=False, sort=False)[values].sum()
