"""The only way views reach EHR runs (built on :mod:`clinwell.web.orgs.access`).

Every member with a role that sees the EHR page may read finished runs of their own
organization (leaders then see only their subtree's units, see ``services.report``);
administrators and analysts also see queued, running and failed runs, inputs and problems,
and start runs. A run of another organization is a 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from clinwell.web.ehrburden.models import EhrRun
from clinwell.web.orgs.access import Role
from clinwell.web.orgs.models import Membership

MANAGER_ROLES = (Role.ADMIN, Role.ANALYST)


def can_manage(membership: Membership) -> bool:
    """May start runs and see their inputs and problems."""
    return membership.role in MANAGER_ROLES


def visible_runs(membership: Membership) -> QuerySet[EhrRun]:
    """Runs the member may open: all for managers, finished ones for everyone else."""
    runs = EhrRun.objects.filter(organization=membership.organization)
    if can_manage(membership):
        return runs
    return runs.filter(status=EhrRun.Status.DONE)


def access_run(membership: Membership, run_id: int) -> EhrRun:
    """One visible run, or 404 (other tenants alike)."""
    run = visible_runs(membership).select_related("organization").filter(pk=run_id).first()
    if run is None:
        raise Http404("No such EHR run")
    return run


def latest_result(membership: Membership) -> EhrRun | None:
    """The most recent finished run of the organization."""
    return visible_runs(membership).filter(status=EhrRun.Status.DONE).first()
