"""EHR burden pages: results per unit, starting a run, a run's progress and problems."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from clinwell.ehr import ParameterError
from clinwell.web.ehrburden.access import (
    MANAGER_ROLES,
    access_run,
    can_manage,
    latest_result,
    visible_runs,
)
from clinwell.web.ehrburden.conf import import_dir
from clinwell.web.ehrburden.forms import RunForm, parameter_rows
from clinwell.web.ehrburden.models import STAGES, EhrRun
from clinwell.web.ehrburden.samples import DESCRIPTIONS, SAMPLES
from clinwell.web.ehrburden.services.inputs import (
    KIND_LABELS,
    InputError,
    list_import_files,
    resolve_server_paths,
    save_uploads,
)
from clinwell.web.ehrburden.services.mapping import remap_run
from clinwell.web.ehrburden.services.report import MEASURES, unit_results
from clinwell.web.ehrburden.services.runs import start_run
from clinwell.web.orgs.decorators import org_view
from clinwell.web.orgs.models import Membership


def _formats() -> list[dict[str, str]]:
    return [
        {"kind": k, "label": KIND_LABELS[k], "description": DESCRIPTIONS[k], "sample": SAMPLES[k]}
        for k in SAMPLES
    ]


def _results_context(membership: Membership, run: EhrRun) -> dict[str, object]:
    return {"report": unit_results(membership, run), "measures": MEASURES}


@org_view()
def index(request: HttpRequest, membership: Membership) -> HttpResponse:
    run = latest_result(membership)
    context: dict[str, object] = {
        "run": run,
        "can_manage": can_manage(membership),
        "formats": _formats(),
        "runs": list(visible_runs(membership)[:10]) if can_manage(membership) else [],
    }
    if run is not None:
        context.update(_results_context(membership, run))
    return render(request, "ehrburden/index.html", context)


@org_view(*MANAGER_ROLES)
def new_run(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = RunForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["source"] == "upload":
                inputs = save_uploads(form.uploads())
                source = EhrRun.Source.UPLOAD
            else:
                inputs = resolve_server_paths(form.server_paths())
                source = EhrRun.Source.SERVER
            run = start_run(membership, request.user, inputs, form.options(), source)  # type: ignore[arg-type]
        except (InputError, ParameterError) as exc:
            form.add_error(None, str(exc))
        else:
            if run.status == EhrRun.Status.FAILED:
                messages.error(request, "The run failed: nothing was stored. See why below.")
            elif run.status == EhrRun.Status.DONE:
                messages.success(request, "EHR metrics computed.")
            else:
                messages.success(request, "The run has started; this page follows its progress.")
            return redirect("ehrburden:run", org_slug=membership.organization.slug, run_id=run.pk)
    context = {
        "form": form,
        "formats": _formats(),
        "import_dir": import_dir(),
        "import_files": list_import_files(),
    }
    return render(request, "ehrburden/new.html", context, status=400 if form.errors else 200)


@org_view()
def run_detail(request: HttpRequest, membership: Membership, run_id: int) -> HttpResponse:
    run = access_run(membership, run_id)
    context: dict[str, object] = {
        "run": run,
        "parameters": parameter_rows(run.options),
        "can_manage": can_manage(membership),
        "stages": STAGES,
    }
    if run.status == EhrRun.Status.DONE:
        context.update(_results_context(membership, run))
    return render(request, "ehrburden/run.html", context)


@org_view(*MANAGER_ROLES)
def run_status(request: HttpRequest, membership: Membership, run_id: int) -> HttpResponse:
    run = access_run(membership, run_id)
    response = render(request, "ehrburden/_status.html", {"run": run, "stages": STAGES})
    if not run.active and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@require_POST
@org_view(*MANAGER_ROLES)
def remap(request: HttpRequest, membership: Membership, run_id: int) -> HttpResponse:
    run = access_run(membership, run_id)
    if run.status != EhrRun.Status.DONE:
        raise Http404("Only finished runs can be mapped again")
    match = remap_run(run)
    messages.success(
        request,
        f"Mapped again: {match.matched} clinician ids matched the roster, "
        f"{match.unmatched} did not, {match.ambiguous} were ambiguous.",
    )
    return redirect("ehrburden:run", org_slug=membership.organization.slug, run_id=run.pk)


@org_view()
def sample(request: HttpRequest, membership: Membership, kind: str) -> HttpResponse:
    if kind not in SAMPLES:
        raise Http404("No such sample")
    response = HttpResponse(SAMPLES[kind], content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sample-{kind}.csv"'
    return response
