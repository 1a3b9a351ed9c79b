"""The respondent path as gunicorn serves it: ``clinwell.web.wsgi.application``.

Survey links go through a lean middleware stack (``RespondentHandler``); everything else
through the full one. From the respondent's side both must look the same: status, security
headers, CSRF protection, page content. The cached page parts must never leak one
respondent's values into another's page.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

from clinwell.web import wsgi
from clinwell.web.surveys.models import Invitation, Response
from clinwell.web.surveys.services.waves import ModuleChoice, update_wave
from tests.web.conftest import Cast
from tests.web.surveys.conftest import GOOD_ANSWERS, token_for

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SECURITY_HEADERS = (
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Cache-Control",
    "Expires",
    "Content-Type",
)


@pytest.fixture(autouse=True)
def keep_test_connection() -> Iterator[None]:
    """As Django's test client: a request must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


class Reply:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = int(status.split(" ", 1)[0])
        self.headers = headers
        self.body = body.decode()

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def cookie(self, name: str) -> str:
        for key, value in self.headers:
            if key.lower() == "set-cookie" and value.strip().startswith(f"{name}="):
                return value.strip().split(";", 1)[0].split("=", 1)[1]
        raise AssertionError(f"no {name} cookie")


def call(app: Any, method: str, path: str, *, cookie: str = "", data: Any = None) -> Reply:
    body = urlencode(data or {}).encode()
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)),
    }
    if method == "POST":
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen.update(status=status, headers=headers)

    content = b"".join(
        wsgi.application(environ, start_response) if app is None else app(environ, start_response)
    )
    return Reply(seen["status"], seen["headers"], content)


def _without_token(html: str) -> str:
    return CSRF_FIELD.sub('name="csrfmiddlewaretoken" value=""', html)


def test_survey_links_and_only_they_take_the_lean_stack() -> None:
    for path in ("/s/AbC-12_x/", "/a/Zz9/"):
        assert wsgi.RESPONDENT_PATH.match(path)
    for path in ("/s/abc", "/s/abc/x/", "/o/alpha/surveys/", "/s/", "/x/abc/", "/s/a b/"):
        assert not wsgi.RESPONDENT_PATH.match(path)
    lean = {type(m).__module__ for m in _chain(wsgi.respondent_application)}
    assert "django.contrib.sessions.middleware" not in lean
    assert "axes.middleware" not in lean
    assert {"django.middleware.csrf", "django.middleware.security"} <= lean


def _chain(handler: Any) -> list[Any]:
    found, node = [], handler._middleware_chain
    while node is not None:
        middleware = getattr(node, "__wrapped__", node)
        if hasattr(middleware, "get_response"):
            found.append(middleware)
            node = middleware.get_response
        else:
            node = None
    return found


def test_lean_and_full_stacks_answer_a_link_identically(cast: Cast, wave: Any) -> None:
    path = f"/s/{token_for(wave, 'card1@alpha.example')}/"
    lean = call(None, "GET", path)
    full = call(wsgi.full_application, "GET", path)
    assert lean.status == full.status == 200
    for name in SECURITY_HEADERS:
        assert lean.header(name) == full.header(name), name
    assert lean.header("X-Frame-Options") == "DENY"
    assert lean.header("X-Content-Type-Options") == "nosniff"
    assert lean.cookie("csrftoken")
    assert _without_token(lean.body) == _without_token(full.body)
    assert Invitation.objects.filter(status="responded").count() == 0


def test_lean_stack_records_a_response_and_still_enforces_csrf(cast: Cast, wave: Any) -> None:
    path = f"/s/{token_for(wave, 'card1@alpha.example')}/"
    forged = call(None, "POST", path, data=GOOD_ANSWERS)
    assert forged.status == 403
    assert Response.objects.count() == 0
    page = call(None, "GET", path)
    token = CSRF_FIELD.search(page.body)
    assert token is not None
    cookie = f"csrftoken={page.cookie('csrftoken')}"
    sent = {**GOOD_ANSWERS, "csrfmiddlewaretoken": token.group(1)}
    done = call(None, "POST", path, cookie=cookie, data=sent)
    assert done.status == 200
    assert "your answers are recorded" in done.body
    assert done.header("X-Frame-Options") == "DENY"
    assert Response.objects.count() == 1
    again = call(None, "POST", path, cookie=cookie, data=sent)
    assert "already been recorded" in again.body
    assert Response.objects.count() == 1


def test_a_link_without_its_slash_still_redirects(cast: Cast, wave: Any) -> None:
    token = token_for(wave, "card1@alpha.example")
    reply = call(None, "GET", f"/s/{token}")
    assert reply.status == 301
    assert reply.header("Location") == f"/s/{token}/"


def test_each_respondent_gets_their_own_csrf_token_and_no_identifier(cast: Cast, wave: Any) -> None:
    emails = ("card1@alpha.example", "card2@alpha.example")
    pages = [call(None, "GET", f"/s/{token_for(wave, email)}/") for email in emails]
    assert CSRF_FIELD.search(pages[0].body).group(1) != CSRF_FIELD.search(pages[1].body).group(1)  # type: ignore[union-attr]
    assert "clinwell-slot" not in pages[0].body
    # the draft kept in the browser is named from the link by the page's script; the page
    # itself carries nothing that names the invitation
    for email, page in zip(emails, pages, strict=True):
        invitation = wave.invitations.get(person__email=email)
        assert str(invitation.pk) not in page.body
        assert "data-storage-key" not in page.body


def test_an_edited_intro_shows_at_once(cast: Cast, wave: Any) -> None:
    path = f"/s/{token_for(wave, 'card1@alpha.example')}/"
    assert "Ten quiet minutes" not in call(None, "GET", path).body
    update_wave(
        wave,
        name=wave.name,
        opens_at=wave.opens_at,
        closes_at=wave.closes_at,
        time_zone=wave.time_zone,
        modules=[
            ModuleChoice(m.instrument_id, tuple(m.excluded_items)) for m in wave.modules.all()
        ],
        min_n_scores=wave.min_n_scores,
        min_n_comments=wave.min_n_comments,
        intro="Ten quiet minutes for you.",
    )
    assert "Ten quiet minutes for you." in call(None, "GET", path).body


def test_feedback_shows_each_respondent_only_their_own_results(cast: Cast, wave: Any) -> None:
    client = Client()
    high = client.post(
        f"/s/{token_for(wave, 'card1@alpha.example')}/",
        {**GOOD_ANSWERS, "q:single_item_burnout.1": "5"},
    ).content.decode()
    low = client.post(
        f"/s/{token_for(wave, 'card2@alpha.example')}/",
        {**GOOD_ANSWERS, "q:single_item_burnout.1": "1"},
    ).content.decode()
    assert "5.0 on a scale of 1–5" in high
    assert "1.0 on a scale of 1–5" in low
    assert "5.0 on a scale of 1–5" not in low


def test_feedback_leaves_out_what_could_not_be_scored(cast: Cast, wave: Any) -> None:
    client = Client()
    page = client.post(
        f"/s/{token_for(wave, 'card1@alpha.example')}/", {"q:single_item_burnout.1": "2"}
    ).content.decode()
    assert "your answers are recorded" in page
    assert "Not enough answers to score" not in page
    assert "Not shown, because too few of their questions were answered" in page
    assert "WHO-5" in page.split("Not shown", 1)[1]
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "WHO-5" not in table
    assert "2.0 on a scale of 1–5" in table


def test_a_signed_in_staff_member_sees_the_respondent_page(cast: Cast, wave: Any) -> None:
    client = Client()
    client.force_login(cast.owner)
    assert "Log out" in client.get("/", follow=True).content.decode()  # the account bar
    page = client.get(f"/s/{token_for(wave, 'card1@alpha.example')}/").content.decode()
    assert "Submit my answers" in page
    assert "Log out" not in page  # no account bar on a respondent's page


def test_rows_written_with_plain_inserts_skip_nothing_save_would_do() -> None:
    """raw_sql.insert bypasses Model.save: valid only while these models have no save
    override, no save signal receivers and no self-filling fields."""
    from clinwell.web.surveys.models import SubmissionReceipt
    from tests.web.plain_models import assert_plain

    for model in (Response, SubmissionReceipt):
        assert_plain(model)
