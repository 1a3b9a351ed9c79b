"""Data-governance pages: the audit trail (filter, export, chain status)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from clinwell.web.audit.models import chain_name
from clinwell.web.audit.queries import verify_chain
from clinwell.web.governance.access import audit_entries
from clinwell.web.governance.forms import AuditFilterForm
from clinwell.web.governance.presenters import export_rows, filtered
from clinwell.web.governance.services.export import export_organization
from clinwell.web.orgs.access import Role
from clinwell.web.orgs.decorators import org_view
from clinwell.web.orgs.models import Membership


@org_view(Role.ADMIN)
def audit(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = audit_entries(membership)
    if form.is_valid():
        entries = filtered(entries, form.cleaned_data)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    status = verify_chain(chain_name(membership.organization.pk))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "governance/audit.html",
        {"form": form, "page": page, "status": status, "query": query.urlencode()},
    )


@org_view(Role.ADMIN)
def audit_export(request: HttpRequest, membership: Membership) -> StreamingHttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = audit_entries(membership).order_by("seq")
    if form.is_valid():
        entries = filtered(entries, form.cleaned_data)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        export_rows(entries.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8"
    )
    name = f"audit-{membership.organization.slug}-{stamp}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@org_view(Role.ADMIN)
def export(request: HttpRequest, membership: Membership) -> FileResponse:
    """Everything of the organization as one documented ZIP archive."""
    org = membership.organization
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    return FileResponse(
        export_organization(org),
        as_attachment=True,
        filename=f"clinwell-{org.slug}-{stamp}.zip",
        content_type="application/zip",
    )
