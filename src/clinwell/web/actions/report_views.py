"""The administrative-burden report: a page and its PDF (WeasyPrint)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from clinwell.web.actions.burden import BurdenReport, burden_report, burden_waves
from clinwell.web.knowledgebase.presenters import intervention_view
from clinwell.web.orgs.decorators import org_view
from clinwell.web.orgs.models import Membership


def _report(
    request: HttpRequest, membership: Membership
) -> tuple[dict[str, Any], BurdenReport | None]:
    waves = burden_waves(membership)
    wanted = request.GET.get("wave", "")
    wave = next((w for w in waves if str(w.pk) == wanted), waves[0] if waves else None)
    report = burden_report(membership, wave) if wave is not None else None
    context: dict[str, Any] = {
        "waves": waves,
        "wave": wave,
        "report": report,
        "interventions": [intervention_view(s.intervention) for s in report.interventions]
        if report
        else [],
        "generated_on": timezone.localdate(),
    }
    return context, report


@org_view()
def burden(request: HttpRequest, membership: Membership) -> HttpResponse:
    context, _ = _report(request, membership)
    return render(request, "actions/burden.html", context)


@org_view()
def burden_pdf(request: HttpRequest, membership: Membership) -> HttpResponse:
    import weasyprint

    context, report = _report(request, membership)
    context["organization"] = membership.organization
    context["membership"] = membership
    html = render_to_string("actions/burden_pdf.html", context, request=request)
    pdf = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    name = f"administrative-burden-{membership.organization.slug}"
    if report is not None:
        name += f"-{report.wave.pk}"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
