"""The organization's overview page: what each app has to say, in one place (thin view)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clinwell.web.dashboard.presenters import overview_context
from clinwell.web.orgs.decorators import org_view
from clinwell.web.orgs.models import Membership


@org_view()
def overview(request: HttpRequest, membership: Membership) -> HttpResponse:
    return render(request, "dashboard/overview.html", overview_context(membership))
