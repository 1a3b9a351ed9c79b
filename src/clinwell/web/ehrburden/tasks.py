"""Background tasks of the EHR app (django-tasks; the worker that `clinwell serve` starts, or
`clinwell manage db_worker`, runs them; see docs/operations.md, "Background worker")."""

from __future__ import annotations

from django_tasks import task

from clinwell.web.ehrburden.services.runs import execute_run


@task()
def compute_ehr_run(run_id: int) -> str:
    """Compute the EHR metrics of a queued :class:`~clinwell.web.ehrburden.models.EhrRun`."""
    return execute_run(run_id)
