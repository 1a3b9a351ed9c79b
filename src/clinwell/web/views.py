"""Site-level pages: home (organization chooser), health check and error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from clinwell.web.consortium.access import user_consortia
from clinwell.web.orgs.access import memberships_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(memberships_of(request.user))  # type: ignore[arg-type]
    consortia = user_consortia(request.user)  # type: ignore[arg-type]
    if len(memberships) == 1:
        return redirect("dashboard:overview", org_slug=memberships[0].organization.slug)
    if not memberships and len(consortia) == 1:
        return redirect("consortium:overview", consortium_slug=consortia[0].consortium.slug)
    return render(request, "home.html", {"memberships": memberships, "consortia": consortia})


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)
