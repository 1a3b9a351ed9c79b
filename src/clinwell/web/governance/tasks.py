"""Scheduled data-governance work (``settings.CLINWELL_SCHEDULE``)."""

from __future__ import annotations

from django_tasks import task

from clinwell.web.governance.services.retention import apply_retention_everywhere


@task()
def apply_retention() -> dict[str, dict[str, int]]:
    """Delete what each organization's retention policy says has expired (daily)."""
    return {
        slug: {"responses": r.responses, "ehr_runs": r.ehr_runs, "people": r.people}
        for slug, r in apply_retention_everywhere().items()
    }
