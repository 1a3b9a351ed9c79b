"""The organization's overview page and its printed form, the board report (thin views)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.text import slugify

from clinwell.web.dashboard.presenters import overview_context
from clinwell.web.dashboard.presenters.board_report import render_pdf, report_context
from clinwell.web.orgs.decorators import org_view
from clinwell.web.orgs.models import Membership
from clinwell.web.results.services.scope import pick_wave, scope_for


@org_view()
def overview(request: HttpRequest, membership: Membership) -> HttpResponse:
    return render(request, "dashboard/overview.html", overview_context(membership))


@org_view()
def report_pdf(request: HttpRequest, membership: Membership) -> HttpResponse:
    waves, wave = pick_wave(membership, request.GET.get("wave"))
    if wave is None:
        return render(request, "results/empty.html", {"page": "report", "waves": waves})
    # The same unit and cut as the results pages (a leader only inside their subtree).
    scope = scope_for(membership, request.GET.get("unit"), request.GET, wave)
    context = report_context(membership, waves, wave, scope, request.GET)
    html = render_to_string("dashboard/report.html", context, request)
    pdf = render_pdf(html, request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    org = membership.organization.slug
    paper = str(context["paper"]).lower()
    cut = "".join(f"-{name}-{slugify(value)}" for name, value in scope.cut.items())
    filename = f"clinwell-board-report-{org}-wave{wave.pk}{cut}-{paper}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
