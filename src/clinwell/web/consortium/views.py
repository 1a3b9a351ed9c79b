"""Consortium pages: overview, members, contributions, benchmarks, evidence, releases.

Every page goes through :func:`~clinwell.web.consortium.decorators.consortium_view` (404 for
outsiders, 403 for a representative on a staff page) and reads a member's private numbers
only through :func:`~clinwell.web.consortium.access.access_member`. The public report
(:func:`public_report`) needs no log-in and shows only the DP release.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from clinwell.consortium import (
    ROLE_GROUPS,
    BudgetExhaustedError,
    ContributionError,
    pooled_measures,
)
from clinwell.web.consortium.access import (
    access_contribution,
    access_member,
    access_release,
    consortium_by_slug,
    latest_release,
    visible_members,
)
from clinwell.web.consortium.decorators import consortium_view
from clinwell.web.consortium.forms import ContributionUploadForm, MemberForm, ReleaseForm
from clinwell.web.consortium.models import ConsortiumMembership, Contribution
from clinwell.web.consortium.presenters import GROUPS, benchmark_rows, evidence_rows
from clinwell.web.consortium.queries import other_releases, recent_contributions, releases_of
from clinwell.web.consortium.reports import budget_context, report_rows
from clinwell.web.consortium.services.contributions import (
    receive_contribution,
    withdraw_contribution,
)
from clinwell.web.consortium.services.evidence import evidence_file, pooled_evidence
from clinwell.web.consortium.services.members import ConsortiumInputError, add_member
from clinwell.web.consortium.services.pooling import contributed_periods, period_benchmarks
from clinwell.web.consortium.services.releases import ReleaseRefused, publish_release
from clinwell.web.consortium.tokens import create_member_token, revoke_member_tokens

Membership = ConsortiumMembership


@consortium_view()
def overview(request: HttpRequest, cm: Membership) -> HttpResponse:
    members = list(visible_members(cm).prefetch_related("contributions"))
    periods = contributed_periods(cm.consortium)
    context = {
        "cm": cm,
        "consortium": cm.consortium,
        "members": members,
        "periods": periods,
        "contributions": recent_contributions(members),
        "releases": releases_of(cm.consortium)[:10],
        **budget_context(cm.consortium),
    }
    return render(request, "consortium/overview.html", context)


@consortium_view(staff_only=True)
def members(request: HttpRequest, cm: Membership) -> HttpResponse:
    form = MemberForm(request.POST or None)
    token = None
    if request.method == "POST" and form.is_valid():
        try:
            member, token = add_member(
                cm.consortium, form.cleaned_data["name"], form.cleaned_data["slug"] or None
            )
        except ConsortiumInputError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{member.name} added. Give its team the token below.")
            form = MemberForm()
    context = {
        "cm": cm,
        "consortium": cm.consortium,
        "form": form,
        "token": token,
        "members": visible_members(cm).prefetch_related("tokens"),
    }
    return render(request, "consortium/members.html", context)


@require_POST
@consortium_view(staff_only=True)
def new_token(request: HttpRequest, cm: Membership, member_slug: str) -> HttpResponse:
    member = access_member(cm, member_slug)
    revoke_member_tokens(member)
    _, token = create_member_token(member)
    messages.success(request, f"A new token for {member.name}; earlier tokens are revoked.")
    context = {
        "cm": cm,
        "consortium": cm.consortium,
        "form": MemberForm(),
        "token": token,
        "token_member": member,
        "members": visible_members(cm).prefetch_related("tokens"),
    }
    return render(request, "consortium/members.html", context)


@consortium_view()
def contribute(request: HttpRequest, cm: Membership) -> HttpResponse:
    form = ContributionUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            received = receive_contribution(
                cm.consortium,
                upload.read(),
                via=Contribution.Via.UPLOAD,
                source=upload.name,
                sender=None if cm.is_staff else cm.member,
                received_by=request.user,  # type: ignore[arg-type]
            )
        except ContributionError as exc:
            problems = [str(p) for p in exc.problems]
        else:
            c = received.contribution
            messages.success(
                request,
                f"Received {c.member.name}'s contribution for {c.period}: "
                f"{received.cells} numbers and {received.impacts} measured impacts.",
            )
            return redirect("consortium:overview", consortium_slug=cm.consortium.slug)
    status = 422 if problems else 200
    context = {"cm": cm, "consortium": cm.consortium, "form": form, "problems": problems}
    return render(request, "consortium/contribute.html", context, status=status)


@require_POST
@consortium_view(staff_only=True)
def withdraw(request: HttpRequest, cm: Membership, contribution_id: int) -> HttpResponse:
    contribution = access_contribution(cm, contribution_id)
    withdraw_contribution(cm, contribution)
    messages.success(
        request, f"Withdrew {contribution.member.name}'s contribution for {contribution.period}."
    )
    return redirect("consortium:overview", consortium_slug=cm.consortium.slug)


@consortium_view()
def benchmarks(request: HttpRequest, cm: Membership, period: str) -> HttpResponse:
    if period not in contributed_periods(cm.consortium):
        raise Http404("No contributions for this period")
    chosen = request.GET.get("period", period)
    if chosen != period:  # the period picker (a plain GET form: no script under the CSP)
        if chosen not in contributed_periods(cm.consortium):
            raise Http404("No contributions for this period")
        query = request.GET.copy()
        del query["period"]
        slug = cm.consortium.slug
        url = reverse("consortium:benchmarks", kwargs={"consortium_slug": slug, "period": chosen})
        return redirect(f"{url}?{query.urlencode()}" if query else url)
    role = request.GET.get("role", "all")
    if role not in ROLE_GROUPS:
        role = "all"
    member = cm.member
    asked = request.GET.get("member", "").strip()
    if asked:
        member = access_member(cm, asked)  # a representative naming another member: 404
    cells = period_benchmarks(cm.consortium, period)
    rows = benchmark_rows(cells, role, member.slug if member else None)
    context = {
        "cm": cm,
        "consortium": cm.consortium,
        "period": period,
        "periods": contributed_periods(cm.consortium),
        "role": role,
        "roles": ROLE_GROUPS.items(),
        "member": member,
        "members": visible_members(cm) if cm.is_staff else [],
        "groups": [(key, title, text, rows[key]) for key, title, text in GROUPS if rows[key]],
    }
    return render(request, "consortium/benchmarks.html", context)


@consortium_view()
def evidence(request: HttpRequest, cm: Membership) -> HttpResponse:
    rows = evidence_rows(pooled_evidence(cm.consortium))
    context = {"cm": cm, "consortium": cm.consortium, "rows": rows}
    return render(request, "consortium/evidence.html", context)


@consortium_view()
def evidence_download(request: HttpRequest, cm: Membership) -> HttpResponse:
    body = json.dumps(evidence_file(cm.consortium), indent=2, ensure_ascii=False) + "\n"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = f"{cm.consortium.slug}-evidence.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@consortium_view(staff_only=True)
def releases(request: HttpRequest, cm: Membership) -> HttpResponse:
    periods = contributed_periods(cm.consortium)
    known = pooled_measures()
    form = ReleaseForm(request.POST or None, periods=periods)
    if request.method == "POST" and form.is_valid():
        try:
            release = publish_release(cm, form.cleaned_data["period"], request.user)  # type: ignore[arg-type]
        except (BudgetExhaustedError, ReleaseRefused) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Release {release.number} published; it spent ε = {release.epsilon:g}."
            )
            return redirect(
                "consortium:report", consortium_slug=cm.consortium.slug, number=release.number
            )
    context = {
        "cm": cm,
        "consortium": cm.consortium,
        "form": form,
        "releases": releases_of(cm.consortium),
        "report_labels": [known[k].label for k in cm.consortium.report_measures if k in known],
        **budget_context(cm.consortium),
    }
    return render(request, "consortium/releases.html", context)


def public_report(request: HttpRequest, consortium_slug: str, number: int) -> HttpResponse:
    """The public DP report of one release: no log-in, nothing but released numbers."""
    consortium = consortium_by_slug(consortium_slug)
    release = access_release(consortium, number)
    context = {
        "consortium": consortium,
        "release": release,
        "sections": report_rows(release),
        "others": other_releases(release),
        **budget_context(consortium),
    }
    return render(request, "consortium/report.html", context)


def latest_report(request: HttpRequest, consortium_slug: str) -> HttpResponse:
    consortium = consortium_by_slug(consortium_slug)
    latest = latest_release(consortium)
    return redirect("consortium:report", consortium_slug=consortium.slug, number=latest.number)
