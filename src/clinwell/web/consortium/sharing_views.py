"""An organization's consortium page: what it shares, a preview, the file, the evidence.

Administrators only (the contribution reveals organization-wide numbers). GETs build the
preview and the file from released results and change nothing; saving the choices, sending
to a consortium on this same instance and importing evidence are POSTs through services.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from clinwell.consortium import ContributionError, EvidenceError, pooled_measures
from clinwell.knowledge import UnknownKeyError, intervention
from clinwell.web.consortium.access import (
    access_closed_wave,
    access_sendable_member,
    sendable_members,
)
from clinwell.web.consortium.forms import EvidenceUploadForm, SharingForm
from clinwell.web.consortium.models import Contribution
from clinwell.web.consortium.presenters import fmt, fmt_interval
from clinwell.web.consortium.queries import (
    closed_waves,
    contributions_for_period,
    measured_effects,
)
from clinwell.web.consortium.services.contributions import receive_contribution
from clinwell.web.consortium.services.export import (
    Export,
    build_contribution,
    contribution_file_name,
)
from clinwell.web.consortium.services.sharing import (
    SharingInput,
    SharingInputError,
    import_evidence,
    save_sharing_choice,
    sharing_choice,
)
from clinwell.web.knowledgebase.measured import effect_summary
from clinwell.web.orgs.access import Role
from clinwell.web.orgs.decorators import org_view
from clinwell.web.orgs.models import Membership


def _intervention_name(key: str) -> str:
    try:
        return intervention(key).name
    except UnknownKeyError:
        return key


def _impacts(export: Export) -> list[dict[str, str]]:
    known = pooled_measures()
    return [
        {
            "names": ", ".join(_intervention_name(k) for k in i.interventions),
            "measure": known[i.measure].label,
            "estimate": f"{i.estimate:+.2f}",
            "se": f"{i.se:.2f}",
            "sizes": f"{i.n_treated_before}, {i.n_treated_after}, {i.n_comparison_before}, "
            f"{i.n_comparison_after}",
        }
        for i in export.contribution.impacts
    ]


def _preview(export: Export) -> list[dict[str, str]]:
    known = pooled_measures()
    rows = []
    for cell in export.contribution.cells:
        measure = known[cell.measure]
        rows.append(
            {
                "label": measure.label,
                "key": cell.measure,
                "n": f"{cell.n:,}",
                "value": fmt(measure, cell.estimate),
                "interval": fmt_interval(measure, cell.lower, cell.upper),
            }
        )
    return rows


@org_view(Role.ADMIN)
def sharing(request: HttpRequest, membership: Membership) -> HttpResponse:
    choice = sharing_choice(membership.organization)
    if request.method == "POST":
        form = SharingForm(request.POST)
        if form.is_valid():
            try:
                save_sharing_choice(
                    membership,
                    SharingInput(**form.cleaned_data),
                    request.user,  # type: ignore[arg-type]
                )
            except SharingInputError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Your sharing choices are saved.")
                return redirect("consortium-sharing:index", org_slug=membership.organization.slug)
    else:
        initial = {}
        if choice is not None:
            initial = {
                "consortium_name": choice.consortium_name,
                "member_id": choice.member_id,
                "period_kind": choice.period_kind,
                "share_survey": choice.share_survey,
                "share_ehr": choice.share_ehr,
                "share_impact": choice.share_impact,
            }
        else:
            initial = {"member_id": membership.organization.slug}
        form = SharingForm(initial=initial)
    wave = access_closed_wave(membership, request.GET.get("wave"))
    export = (
        build_contribution(membership.organization, wave, choice)
        if (choice is not None and wave is not None)
        else None
    )
    effects = measured_effects(membership.organization)
    linked = sendable_members(membership)
    sent = contributions_for_period(linked, export.contribution.period) if export else {}
    context = {
        "form": form,
        "choice": choice,
        "waves": closed_waves(membership.organization),
        "wave": wave,
        "export": export,
        "preview": _preview(export) if export else [],
        "linked": [(m, sent.get(m.pk)) for m in linked],
        "impacts": _impacts(export) if export else [],
        "effects": [(e, _intervention_name(e.intervention), effect_summary(e)) for e in effects],
        "evidence_form": EvidenceUploadForm(),
    }
    return render(request, "consortium/sharing.html", context)


def _export_or_404(membership: Membership, raw: str | None) -> Export:
    choice = sharing_choice(membership.organization)
    wave = access_closed_wave(membership, raw)
    if choice is None or wave is None:
        raise Http404("Choose what to share and a closed wave first")
    return build_contribution(membership.organization, wave, choice)


@org_view(Role.ADMIN)
def download(request: HttpRequest, membership: Membership) -> HttpResponse:
    export = _export_or_404(membership, request.GET.get("wave"))
    response = HttpResponse(
        export.contribution.dumps(), content_type="application/json; charset=utf-8"
    )
    name = contribution_file_name(export.contribution)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@org_view(Role.ADMIN)
def send(request: HttpRequest, membership: Membership) -> HttpResponse:
    export = _export_or_404(membership, request.POST.get("wave"))
    member = access_sendable_member(membership, request.POST.get("member"))
    slug = membership.organization.slug
    try:
        received = receive_contribution(
            member.consortium,
            export.contribution.dumps(),
            via=Contribution.Via.DIRECT,
            source=contribution_file_name(export.contribution),
            sender=member,
            received_by=request.user,  # type: ignore[arg-type]
        )
    except ContributionError as exc:
        for problem in exc.problems:
            messages.error(request, f"Not sent: {problem}")
        return redirect("consortium-sharing:index", org_slug=slug)
    messages.success(
        request,
        f"Sent to {member.consortium.name}: {received.cells} numbers and "
        f"{received.impacts} measured impacts for {received.contribution.period}.",
    )
    return redirect("consortium-sharing:index", org_slug=slug)


@require_POST
@org_view(Role.ADMIN)
def evidence_upload(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = EvidenceUploadForm(request.POST, request.FILES)
    slug = membership.organization.slug
    if not form.is_valid():
        messages.error(request, "Choose the pooled-evidence file to import.")
        return redirect("consortium-sharing:index", org_slug=slug)
    upload = form.cleaned_data["file"]
    try:
        count = import_evidence(membership, upload.read(), upload.name)
    except EvidenceError as exc:
        messages.error(request, f"Nothing was imported. {exc}")
    else:
        messages.success(request, f"Imported {count} pooled effects; your catalog shows them.")
    return redirect("consortium-sharing:index", org_slug=slug)
