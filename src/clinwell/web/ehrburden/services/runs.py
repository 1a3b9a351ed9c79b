"""Start an EHR-metrics run and execute it (the body of the background task).

A run moves queued → running → done | failed. While it runs, its ``stage`` row is updated from
``clinwell.ehr.compute_metrics``' progress callback (reading, validating, computing, ...), so
the page can show where it is. The engine's whole output is computed first; the rows, the
parameters, the input problems and the roster-match counts are then written in one
transaction. A run that fails keeps its error message (and, in strict mode, the problem with
its count and examples) and has no rows. Uploaded files are deleted when the run ends.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from clinwell.ehr import (
    EhrInputError,
    EhrValidationError,
    MetricParams,
    ParameterError,
    compute_metrics,
)
from clinwell.ehr.params import COUNT_COLUMNS, VALUE_COLUMNS
from clinwell.web.accounts.models import User
from clinwell.web.ehrburden.conf import memory_limit
from clinwell.web.ehrburden.models import STAGES, EhrMetricRow, EhrRun
from clinwell.web.ehrburden.services.actions import organization_action_map
from clinwell.web.ehrburden.services.inputs import (
    InputError,
    RunInput,
    discard,
    recheck_server_inputs,
)
from clinwell.web.ehrburden.services.mapping import RosterMatch, match_roster
from clinwell.web.orgs.access import require_role
from clinwell.web.orgs.models import Membership

BAD_INPUT = (EhrInputError, ParameterError, InputError)


def create_run(
    membership: Membership,
    user: User | None,
    inputs: Sequence[RunInput],
    params: MetricParams,
    source: str = EhrRun.Source.UPLOAD,
) -> EhrRun:
    """Record a queued run (administrators and analysts only)."""
    require_role(membership, Membership.Role.ADMIN, Membership.Role.ANALYST)
    kinds = {i.kind for i in inputs}
    if not {"events", "schedule"} <= kinds:
        raise InputError("events and schedule: both files are required")
    return EhrRun.objects.create(
        organization=membership.organization,
        created_by=user,
        source=source,
        inputs={i.kind: i.to_dict() for i in inputs},
        options=params.to_dict(),
    )


def start_run(
    membership: Membership,
    user: User | None,
    inputs: Sequence[RunInput],
    params: MetricParams,
    source: str = EhrRun.Source.UPLOAD,
) -> EhrRun:
    """Record a run and hand it to the background worker (django-tasks)."""
    try:
        run = create_run(membership, user, inputs, params, source)
    except Exception:
        discard({i.kind: i.to_dict() for i in inputs})
        raise
    compute_ehr_run.enqueue(run.pk)
    run.refresh_from_db()
    return run


def _clean(value: Any, names: Mapping[str, str]) -> Any:
    """Replace server paths by display names in messages and problem records."""
    if isinstance(value, str):
        for path, name in names.items():
            value = value.replace(path, name)
        return value
    if isinstance(value, dict):
        return {k: _clean(v, names) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v, names) for v in value]
    return value


def _progress(run: EhrRun, stage: str, **extra: Any) -> None:
    index = next((i for i, s in enumerate(STAGES) if stage.startswith(s)), run.stage_index)
    run.stage, run.stage_index = stage[:200], index
    EhrRun.objects.filter(pk=run.pk).update(stage=run.stage, stage_index=index, **extra)


def _number(value: Any, column: str) -> float | int | None:
    if value is None or pd.isna(value):
        return None
    if column in COUNT_COLUMNS:
        return int(value)
    number = float(value)
    return None if math.isnan(number) else number


def _save(run: EhrRun, metrics: pd.DataFrame, match: RosterMatch, meta: dict[str, Any]) -> None:
    """Store every row and the run's facts in one transaction."""
    periods = pd.to_datetime(metrics["period_start"]).dt.date
    ids = metrics["clinician_id"].astype(str)
    values = {c: metrics[c].tolist() for c in VALUE_COLUMNS}
    rows = [
        EhrMetricRow(
            run=run,
            clinician_id=cid,
            unit_id=match.units.get(cid),
            period_start=period,
            **{c: _number(values[c][i], c) for c in VALUE_COLUMNS},
        )
        for i, (cid, period) in enumerate(zip(ids, periods, strict=True))
    ]
    with transaction.atomic():
        EhrMetricRow.objects.bulk_create(rows, batch_size=2000)
        EhrRun.objects.filter(pk=run.pk).update(
            status=EhrRun.Status.DONE,
            stage="Done",
            stage_index=len(STAGES),
            clinicians=int(ids.nunique()),
            matched=match.matched,
            unmatched=match.unmatched,
            ambiguous=match.ambiguous,
            first_period=min(periods) if len(rows) else None,
            last_period=max(periods) if len(rows) else None,
            finished_at=timezone.now(),
            **meta,
        )


def _fail(run: EhrRun, exc: BaseException, names: Mapping[str, str], internal: bool) -> None:
    problems = [exc.problem.to_dict()] if isinstance(exc, EhrValidationError) else []
    message = f"internal error ({type(exc).__name__}): {exc}" if internal else str(exc)
    EhrRun.objects.filter(pk=run.pk).update(
        status=EhrRun.Status.FAILED,
        error=_clean(message, names)[:4000],
        problems=_clean(problems, names),
        finished_at=timezone.now(),
    )


def execute_run(run_id: int) -> str:
    """Compute a queued run; return its final status. Safe to call twice (runs once)."""
    run = EhrRun.objects.select_related("organization").get(pk=run_id)
    if run.status != EhrRun.Status.QUEUED:
        return str(run.status)
    _progress(run, STAGES[1], status=EhrRun.Status.RUNNING)
    paths = {kind: str(item["path"]) for kind, item in run.inputs.items()}
    names = {path: str(run.inputs[kind]["name"]) for kind, path in paths.items()}
    engine: dict[str, Any] = {}
    limit = memory_limit()
    if limit:
        engine["memory_limit"] = limit
    try:
        recheck_server_inputs(run.organization.slug, run.inputs)
        result = compute_metrics(
            paths["events"],
            paths["schedule"],
            organization_action_map(run.organization, paths.get("actions")),
            paths.get("orders"),
            paths.get("messages"),
            params=MetricParams.from_dict(run.options),
            keep_state=False,  # web runs are computed in full each time
            progress=lambda stage: _progress(run, stage),
            **engine,
        )
        _progress(run, "Mapping clinicians to the roster")
        match = match_roster(run.organization, result.metrics["clinician_id"].astype(str).unique())
        _progress(run, "Saving results")
        meta = {
            "parameters": result.params.to_dict(),
            "problems": _clean([p.to_dict() for p in result.problems], names),
            "run_info": _clean({**result.run, "methods": result.methods()}, names),
        }
        _save(run, result.metrics, match, meta)
    except BAD_INPUT as exc:
        _fail(run, exc, names, internal=False)
    except Exception as exc:
        _fail(run, exc, names, internal=True)
        raise
    finally:
        discard(run.inputs)
    run.refresh_from_db()
    return str(run.status)


@task()
def compute_ehr_run(run_id: int) -> str:
    """The background task computing a queued run (:func:`execute_run`). Defined here, beside
    what it runs and :func:`start_run` that enqueues it, so that this module and
    :mod:`clinwell.web.ehrburden.tasks` (which re-exports it, keeping the older task path)
    import each other in one direction only."""
    return execute_run(run_id)
