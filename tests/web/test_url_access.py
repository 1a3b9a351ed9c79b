# ruff: noqa: E501  (the expected-status table keeps one route a line)
"""Every URL pattern of the project, opened by each kind of visitor, answers as expected.

The routes come from the URL configuration (the same discovery as the hostile-input walk),
so a new view is walked the day it is added, and :data:`EXPECTED` must say what each
visitor gets there: a route without a rule fails :func:`test_every_route_has_a_rule`; it
is never skipped. One line per route: the status for (admin, leader, analyst, executive,
outsider, anonymous). *outsider* administers another organization; *anonymous* is not
signed in. API routes are called with each person's API token (anonymous: none).

In this world the Alpha administrator is also staff of the consortium ``walk``; the other
Alpha roles and the outsider have no consortium role. GETs only: a form's post is covered
by the tests of its app, and POST-only views answer 405 to a GET whoever asks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from clinwell.web.accounts.models import User
from clinwell.web.api.tokens import create_token
from clinwell.web.consortium.models import Consortium
from clinwell.web.consortium.services.members import (
    add_member,
    create_consortium,
    grant_consortium_role,
)
from clinwell.web.orgs.models import Membership, Organization
from clinwell.web.orgs.services.people import invite
from tests.web.test_hostile_input import ROUTES, Route, World, world

__all__ = ["world"]  # the hostile-input walk's module world: one organization with everything

ACTORS = ("admin", "leader", "analyst", "executive", "outsider", "anonymous")

# (admin, leader, analyst, executive, outsider, anonymous)
# 302 for anonymous: to the sign-in page; 404 for an outsider: the organization's existence
# is not revealed; 403: a member whose role does not allow the page; 405: a POST-only view.
# fmt: off
EXPECTED: dict[str, tuple[int, int, int, int, int, int]] = {
    "": (302, 302, 302, 302, 302, 302),
    "a/<str:token>/": (200, 200, 200, 200, 200, 200),
    "accounts/login/": (302, 302, 302, 302, 302, 200),
    "accounts/login/code/": (302, 302, 302, 302, 302, 302),
    "accounts/logout/": (405, 405, 405, 405, 405, 405),
    "accounts/sso/": (405, 405, 405, 405, 405, 405),
    "accounts/sso/callback/": (403, 403, 403, 403, 403, 403),
    "accounts/two-factor/": (200, 200, 200, 200, 200, 302),
    "accounts/two-factor/recovery-codes/": (302, 302, 302, 302, 302, 302),
    "api/consortium/v1/": (404, 404, 404, 404, 404, 404),
    "api/consortium/v1/consortia/<consortium_slug>/reports/<number>": (404, 404, 404, 404, 404, 404),
    "api/consortium/v1/contributions": (401, 401, 401, 401, 401, 401),
    "api/consortium/v1/docs": (200, 200, 200, 200, 200, 200),
    "api/consortium/v1/evidence": (401, 401, 401, 401, 401, 401),
    "api/consortium/v1/openapi.json": (200, 200, 200, 200, 200, 200),
    "api/consortium/v1/position/<period>": (401, 401, 401, 401, 401, 401),
    "api/tokens/": (200, 200, 200, 200, 200, 302),
    "api/tokens/<int:token_id>/revoke/": (405, 405, 405, 405, 405, 405),
    "api/v1/": (404, 404, 404, 404, 404, 404),
    "api/v1/docs": (200, 200, 200, 200, 200, 200),
    "api/v1/openapi.json": (200, 200, 200, 200, 200, 200),
    "api/v1/orgs": (200, 200, 200, 200, 200, 401),
    "api/v1/orgs/<org_slug>": (200, 200, 200, 200, 404, 401),
    "api/v1/orgs/<org_slug>/knowledge/interventions": (200, 200, 200, 200, 404, 401),
    "api/v1/orgs/<org_slug>/knowledge/resources": (200, 200, 200, 200, 404, 401),
    "api/v1/orgs/<org_slug>/units": (200, 200, 200, 200, 404, 401),
    "api/v1/orgs/<org_slug>/waves": (200, 200, 200, 200, 404, 401),
    "api/v1/orgs/<org_slug>/waves/<wave_id>": (200, 404, 404, 404, 404, 401),
    "api/v1/orgs/<org_slug>/waves/<wave_id>/comments": (404, 403, 403, 403, 404, 401),
    "api/v1/orgs/<org_slug>/waves/<wave_id>/results": (404, 404, 404, 404, 404, 401),
    "api/v1/orgs/<org_slug>/waves/<wave_id>/themes": (404, 404, 404, 404, 404, 401),
    "c/<slug:consortium_slug>/": (200, 404, 404, 404, 404, 302),
    "c/<slug:consortium_slug>/benchmarks/<str:period>/": (404, 404, 404, 404, 404, 302),
    "c/<slug:consortium_slug>/contribute/": (200, 404, 404, 404, 404, 302),
    "c/<slug:consortium_slug>/contributions/<int:contribution_id>/withdraw/": (405, 405, 405, 405, 405, 405),
    "c/<slug:consortium_slug>/evidence.json": (200, 404, 404, 404, 404, 302),
    "c/<slug:consortium_slug>/evidence/": (200, 404, 404, 404, 404, 302),
    "c/<slug:consortium_slug>/members/": (200, 404, 404, 404, 404, 302),
    "c/<slug:consortium_slug>/members/<slug:member_slug>/token/": (405, 405, 405, 405, 405, 405),
    "c/<slug:consortium_slug>/releases/": (200, 404, 404, 404, 404, 302),
    "c/<slug:consortium_slug>/report/": (404, 404, 404, 404, 404, 404),
    "c/<slug:consortium_slug>/report/<int:number>/": (404, 404, 404, 404, 404, 404),
    "healthz": (200, 200, 200, 200, 200, 200),
    "invitations/<str:token>/": (200, 200, 200, 200, 200, 200),
    "o/<slug:org_slug>/": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/actions/": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/actions/<int:plan_id>/": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/actions/<int:plan_id>/edit/": (200, 200, 403, 403, 404, 302),
    "o/<slug:org_slug>/actions/<int:plan_id>/milestones/": (405, 405, 405, 405, 405, 405),
    "o/<slug:org_slug>/actions/<int:plan_id>/milestones/<int:milestone_id>/done/": (405, 405, 405, 405, 405, 405),
    "o/<slug:org_slug>/actions/<int:plan_id>/status/": (405, 405, 405, 405, 405, 405),
    "o/<slug:org_slug>/actions/burden.pdf": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/actions/burden/": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/actions/new/": (200, 200, 403, 403, 404, 302),
    "o/<slug:org_slug>/consortium/": (200, 403, 403, 403, 404, 302),
    "o/<slug:org_slug>/consortium/contribution.json": (404, 403, 403, 403, 404, 302),
    "o/<slug:org_slug>/consortium/evidence/": (405, 405, 405, 405, 405, 405),
    "o/<slug:org_slug>/consortium/send/": (405, 405, 405, 405, 405, 405),
    "o/<slug:org_slug>/ehr/": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/ehr/new/": (200, 403, 200, 403, 404, 302),
    "o/<slug:org_slug>/ehr/runs/<int:run_id>/": (404, 404, 404, 404, 404, 302),
    "o/<slug:org_slug>/ehr/runs/<int:run_id>/actions/": (404, 403, 404, 403, 404, 302),
    "o/<slug:org_slug>/ehr/runs/<int:run_id>/remap/": (405, 405, 405, 405, 405, 405),
    "o/<slug:org_slug>/ehr/runs/<int:run_id>/status/": (404, 403, 404, 403, 404, 302),
    "o/<slug:org_slug>/ehr/samples/<str:kind>.csv": (404, 404, 404, 404, 404, 302),
    "o/<slug:org_slug>/knowledge/": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/knowledge/interventions/": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/knowledge/interventions/<slug:intervention_id>/": (404, 404, 404, 404, 404, 302),
    "o/<slug:org_slug>/knowledge/levels/": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/knowledge/nam/": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/knowledge/nasem/": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/knowledge/recognition/": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/knowledge/resources/": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/results/": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/results/comments/": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/results/drivers/": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/results/export.csv": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/results/heatmap/": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/results/report.pdf": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/results/trends/": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/results/equity/": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/roster/": (200, 200, 403, 403, 404, 302),
    "o/<slug:org_slug>/settings/": (200, 403, 403, 403, 404, 302),
    "o/<slug:org_slug>/settings/audit.csv": (200, 403, 403, 403, 404, 302),
    "o/<slug:org_slug>/settings/audit/": (200, 403, 403, 403, 404, 302),
    "o/<slug:org_slug>/settings/export.zip": (200, 403, 403, 403, 404, 302),
    "o/<slug:org_slug>/settings/import/roster/": (200, 403, 403, 403, 404, 302),
    "o/<slug:org_slug>/settings/import/units/": (200, 403, 403, 403, 404, 302),
    "o/<slug:org_slug>/settings/invitations/<int:invitation_id>/withdraw/": (405, 405, 405, 405, 405, 405),
    "o/<slug:org_slug>/settings/people/": (200, 403, 403, 403, 404, 302),
    "o/<slug:org_slug>/settings/people/<int:member_id>/": (405, 405, 405, 405, 405, 405),
    "o/<slug:org_slug>/settings/people/<int:member_id>/remove/": (405, 405, 405, 405, 405, 405),
    "o/<slug:org_slug>/settings/people/invite/": (405, 405, 405, 405, 405, 405),
    "o/<slug:org_slug>/surveys/": (200, 403, 403, 403, 404, 302),
    "o/<slug:org_slug>/surveys/<int:wave_id>/": (200, 403, 403, 403, 404, 302),
    "o/<slug:org_slug>/surveys/<int:wave_id>/acknowledge/": (405, 405, 405, 405, 405, 405),
    "o/<slug:org_slug>/surveys/<int:wave_id>/close/": (405, 405, 405, 405, 405, 405),
    "o/<slug:org_slug>/surveys/<int:wave_id>/edit/": (200, 403, 403, 403, 404, 302),
    "o/<slug:org_slug>/surveys/<int:wave_id>/job/": (200, 403, 403, 403, 404, 302),
    "o/<slug:org_slug>/surveys/<int:wave_id>/launch/": (405, 405, 405, 405, 405, 405),
    "o/<slug:org_slug>/surveys/<int:wave_id>/links/": (405, 405, 405, 405, 405, 405),
    "o/<slug:org_slug>/surveys/<int:wave_id>/monitor/": (200, 403, 403, 403, 404, 302),
    "o/<slug:org_slug>/surveys/<int:wave_id>/nonresponders.csv": (302, 403, 403, 403, 404, 302),
    "o/<slug:org_slug>/surveys/<int:wave_id>/preview/": (200, 403, 403, 403, 404, 302),
    "o/<slug:org_slug>/surveys/<int:wave_id>/send/": (200, 403, 403, 403, 404, 302),
    "o/<slug:org_slug>/surveys/<int:wave_id>/email/": (200, 403, 403, 403, 404, 302),
    "o/<slug:org_slug>/surveys/<int:wave_id>/copy/": (405, 405, 405, 405, 405, 405),
    "o/<slug:org_slug>/surveys/instruments/": (200, 403, 403, 403, 404, 302),
    "o/<slug:org_slug>/surveys/instruments/<str:instrument_id>/text/": (200, 403, 403, 403, 404, 302),
    "o/<slug:org_slug>/surveys/new/": (200, 403, 403, 403, 404, 302),
    "o/<slug:org_slug>/units/": (200, 200, 200, 200, 404, 302),
    "o/<slug:org_slug>/units/<int:unit_id>/": (200, 200, 200, 200, 404, 302),
    "s/<str:token>/": (200, 200, 200, 200, 200, 200),
}
# fmt: on


@pytest.fixture(scope="module")
def walk(world: World, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock():
        alpha = Organization.objects.get(slug="alpha")
        users = {
            "admin": world.owner,
            "leader": User.objects.get(email="leader@example.org"),
            "analyst": User.objects.get(email="analyst@example.org"),
            "executive": User.objects.get(email="executive@example.org"),
            "outsider": User.objects.get(email="outsider@example.org"),
        }
        tokens = {role: create_token(user, "walk")[1] for role, user in users.items()}
        sent = invite(alpha, by=world.owner, email="walk.invitee@example.org", role="analyst")
        consortium = create_consortium(
            "Walk Collaborative", "walk", min_members=5, epsilon_total=2.0, epsilon_per_release=1.0
        )
        member, _ = add_member(consortium, "Alpha Health", "alpha-health")
        grant_consortium_role(world.owner, consortium, "staff")
        leader = Membership.objects.get(user=users["leader"], organization=alpha)
        values = {
            **world.values,
            "member_id": str(leader.pk),
            "invitation_id": str(sent.invitation.pk),
            "consortium_slug": "walk",
            "member_slug": member.slug,
            "period": "2026-H1",
            "number": "1",
            "contribution_id": "1",
            "run_id": "999999",  # no EHR run in this world: see tests/web/ehrburden for roles
            "instrument_id": "cbi",
        }
        tokens_by_pattern = {
            "s/<str:token>/": world.extra["invitation_token"],
            "a/<str:token>/": world.extra["link_token"],
            "invitations/<str:token>/": sent.url.rstrip("/").rsplit("/", 1)[1],
        }
        yield {
            "users": users,
            "tokens": tokens,
            "values": values,
            "route_tokens": tokens_by_pattern,
        }
        Consortium.objects.filter(slug="walk").delete()


def _fill(route: Route, walk: dict[str, Any]) -> str:
    values = {**walk["values"], "token": walk["route_tokens"].get(route.pattern, "x")}

    def fill(match: re.Match[str]) -> str:
        return values[match.group(2)]

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route.pattern)


def _status(route: Route, actor: str, walk: dict[str, Any]) -> int:
    client = Client(raise_request_exception=False)
    headers = {}
    if actor != "anonymous":
        client.force_login(walk["users"][actor])
        if route.pattern.startswith("api/"):
            headers["HTTP_AUTHORIZATION"] = f"Bearer {walk['tokens'][actor]}"
    return client.get(_fill(route, walk), **headers).status_code


def test_every_route_has_a_rule() -> None:
    missing = sorted(r.pattern for r in ROUTES if r.pattern not in EXPECTED)
    assert missing == []
    stale = sorted(set(EXPECTED) - {r.pattern for r in ROUTES})
    assert stale == []


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_each_visitor_gets_the_expected_answer(walk: dict[str, Any], route: Route) -> None:
    expected = EXPECTED.get(route.pattern)
    assert expected is not None, f"no access rule for {route.pattern}: add one to EXPECTED"
    got = tuple(_status(route, actor, walk) for actor in ACTORS)
    assert dict(zip(ACTORS, got, strict=True)) == dict(zip(ACTORS, expected, strict=True))
