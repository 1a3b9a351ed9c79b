"""EHR burden pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clinwell.web.orgs.decorators import org_view
from clinwell.web.orgs.models import Membership


@org_view()
def index(request: HttpRequest, membership: Membership) -> HttpResponse:
    return render(request, "ehrburden/index.html")
