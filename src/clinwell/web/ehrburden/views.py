"""EHR burden pages: results per unit, starting a run, a run's progress and problems."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from clinwell.ehr import ACTIVITIES, ParameterError
from clinwell.ehr.methods import METHOD_ITEMS
from clinwell.web.ehrburden.access import (
    MANAGER_ROLES,
    access_run,
    can_manage,
    latest_result,
    visible_runs,
)
from clinwell.web.ehrburden.forms import RunForm, parameter_rows
from clinwell.web.ehrburden.models import STAGES, EhrRun
from clinwell.web.ehrburden.samples import DESCRIPTIONS, SAMPLES
from clinwell.web.ehrburden.services.actions import save_mappings, saved_mappings
from clinwell.web.ehrburden.services.chart import chart_spec
from clinwell.web.ehrburden.services.inputs import (
    KIND_LABELS,
    InputError,
    list_import_files,
    resolve_server_paths,
    save_uploads,
)
from clinwell.web.ehrburden.services.mapping import remap_run
from clinwell.web.ehrburden.services.report import MEASURES, burnout_waves, unit_results
from clinwell.web.ehrburden.services.runs import start_run
from clinwell.web.ehrburden.services.trends import TREND_MEASURES, run_trend, trend_spec
from clinwell.web.orgs.decorators import org_view
from clinwell.web.orgs.models import Membership
from clinwell.web.surveys.models import Wave


def _formats() -> list[dict[str, str]]:
    return [
        {"kind": k, "label": KIND_LABELS[k], "description": DESCRIPTIONS[k], "sample": SAMPLES[k]}
        for k in SAMPLES
    ]


def _methods(run: EhrRun, show_files: bool) -> list[tuple[str, str]]:
    """The run's methods block (stored with it) as (label, text) rows; for readers who may not
    see a run's inputs, file names become "the events file" and so on."""
    block = dict((run.run_info or {}).get("methods") or {})
    if not show_files:
        for kind, item in (run.inputs or {}).items():
            name = str(item.get("name", ""))
            if name:
                block = {k: v.replace(name, f"the {kind} file") for k, v in block.items()}
    return [(label, block[key]) for key, label in METHOD_ITEMS if key in block]


def _results_context(
    membership: Membership, run: EhrRun, wave: Wave | None = None
) -> dict[str, object]:
    report = unit_results(membership, run, wave)
    return {
        "report": report,
        "chart": chart_spec(report.rows),  # the scatter of released numbers (services.chart)
        "measures": MEASURES,
        "methods": _methods(run, can_manage(membership)),
    }


def _picked(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


@org_view()
def index(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The EHR page: a finished run (the latest unless picked) next to a closed wave's burnout
    (the latest unless picked), and the trend over the latest runs. GET only."""
    finished = list(visible_runs(membership).filter(status=EhrRun.Status.DONE)[:50])
    waves = burnout_waves(membership.organization)
    run_id, wave_id = _picked(request, "run"), _picked(request, "wave")
    run = (
        next((r for r in finished if r.pk == run_id), None) if run_id else latest_result(membership)
    )
    wave = next((w for w in waves if w.pk == wave_id), None)
    if (run_id and run is None) or (wave_id and wave is None):
        raise Http404("No such run or wave")
    trend = run_trend(membership) if len(finished) > 1 else []
    context: dict[str, object] = {
        "run": run,
        "can_manage": can_manage(membership),
        "formats": _formats(),
        "runs": list(visible_runs(membership)[:10]) if can_manage(membership) else [],
        "finished_runs": finished,
        "waves": waves,
        "picked_wave": wave,
        "trend": trend,
        "trend_chart": trend_spec(trend),
        "trend_measures": [m for m in MEASURES if m.key in TREND_MEASURES],
        "trend_methods_differ": len({p.method for p in trend}) > 1,
    }
    if run is not None:
        context.update(_results_context(membership, run, wave))
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
                inputs = resolve_server_paths(membership.organization.slug, form.server_paths())
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
        "import_files": list_import_files(membership.organization.slug),
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
        "unmapped": len((run.run_info or {}).get("unmapped_actions", [])),
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


@org_view(*MANAGER_ROLES)
def action_codes(request: HttpRequest, membership: Membership, run_id: int) -> HttpResponse:
    """The mapping page: the action codes of a run that no map knew, with their event counts,
    and the organization's saved mappings; saving applies to later runs."""
    run = access_run(membership, run_id)
    unknown = [(str(a), int(n)) for a, n in (run.run_info or {}).get("unmapped_actions", [])]
    saved = saved_mappings(membership.organization)
    if request.method == "POST":
        codes = [a for a, _ in unknown] + list(saved)
        choices = {a: request.POST.get(f"map-{i}", "") for i, a in enumerate(dict.fromkeys(codes))}
        try:
            done, removed = save_mappings(membership, request.user, choices)  # type: ignore[arg-type]
        except InputError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"Saved {done} mapping{'s' * (done != 1)}"
                + (f", removed {removed}" if removed else "")
                + ". They apply to the organization's next runs: compute again to use them.",
            )
            return redirect(
                "ehrburden:actions", org_slug=membership.organization.slug, run_id=run.pk
            )
    codes = list(dict.fromkeys([a for a, _ in unknown] + sorted(saved)))
    counts = dict(unknown)
    rows = [
        {
            "index": i,
            "action": a,
            "events": counts.get(a),
            "events_text": f"{counts[a]:,}" if a in counts else "",
            "activity": saved.get(a, ""),
        }
        for i, a in enumerate(codes)
    ]
    context = {"run": run, "rows": rows, "activities": ACTIVITIES}
    return render(request, "ehrburden/actions.html", context)


@org_view()
def sample(request: HttpRequest, membership: Membership, kind: str) -> HttpResponse:
    if kind not in SAMPLES:
        raise Http404("No such sample")
    response = HttpResponse(SAMPLES[kind], content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sample-{kind}.csv"'
    return response
