"""Recording a submission exactly once, atomically, and on a connection that may have died.

These call the service functions the respondent views call (clinwell.web.surveys.services.
submissions); tests/web/surveys/test_respond.py covers the same path over HTTP.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import IntegrityError, connection

from clinwell.web.surveys.models import (
    AnonymousLink,
    Invitation,
    Response,
    SubmissionReceipt,
    Wave,
)
from clinwell.web.surveys.services import submissions
from clinwell.web.surveys.services.form import build_form, parse_answers
from clinwell.web.surveys.services.submissions import (
    Outcome,
    Submission,
    find_anonymous_link,
    find_invitation,
    submit_with_anonymous_link,
    submit_with_invitation,
)
from clinwell.web.surveys.services.waves import ensure_anonymous_link
from tests.web.conftest import Cast
from tests.web.sealed import opened
from tests.web.surveys.conftest import GOOD_ANSWERS, make_wave, token_for

postgresql_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="concurrent writers and dropped connections need a PostgreSQL server",
)


def _all_at_once(count: int, submit: Callable[[], Submission]) -> list[Any]:
    """``submit`` from ``count`` threads released together, each on its own connection."""
    barrier = threading.Barrier(count)
    outcomes: list[Any] = [None] * count

    def run(slot: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[slot] = submit().outcome
        except Exception as error:  # reported below as the outcome
            outcomes[slot] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


CARDIOLOGY = "Alpha Health/Site A/Medicine/Cardiology"


def _cardiology_link(cast: Cast, wave: Wave) -> AnonymousLink:
    """The wave's anonymous link for Cardiology, as the respondent view looks it up."""
    link = find_anonymous_link(ensure_anonymous_link(wave, cast.unit(cast.alpha, CARDIOLOGY)).token)
    assert link is not None
    return link


def _names(outcomes: list[Any]) -> list[str]:
    """Outcome names, sorted; an exception a thread raised shows as itself."""
    return sorted(getattr(outcome, "value", repr(outcome)) for outcome in outcomes)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_of_one_link_record_one_response(cast: Cast) -> None:
    wave = make_wave(cast)
    invitation = find_invitation(token_for(wave, "card1@alpha.example"))
    assert invitation is not None
    parsed = parse_answers(build_form(wave), GOOD_ANSWERS)

    # Each thread holds the invitation as read before anyone submitted (status "sent"), so
    # every one of them reaches the database: only the consuming statement can stop them.
    outcomes = _all_at_once(8, lambda: submit_with_invitation(invitation, parsed))

    assert _names(outcomes) == ["duplicate"] * 7 + ["recorded"]
    assert Response.objects.filter(wave=wave).count() == 1
    assert [p.comment for p in opened(wave)] == [GOOD_ANSWERS["comment"]]
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.RESPONDED


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_of_one_anonymous_form_record_one_response(cast: Cast) -> None:
    wave = make_wave(cast)
    link = _cardiology_link(cast, wave)
    parsed = parse_answers(build_form(wave), GOOD_ANSWERS)

    outcomes = _all_at_once(
        8,
        lambda: submit_with_anonymous_link(
            link, "the-same-form", parsed, role="physician", tenure_band=""
        ),
    )

    assert _names(outcomes) == ["duplicate"] * 7 + ["recorded"]
    assert Response.objects.filter(wave=wave).count() == 1
    assert SubmissionReceipt.objects.filter(wave=wave).count() == 1


def _a_row_that_cannot_be_stored(*args: Any) -> Any:
    """A response row whose wave does not exist: its foreign key fails."""
    return (Response, {"id": uuid.uuid4(), "wave_id": 987_654_321, "sealed": b"\x01"})


@pytest.mark.django_db(transaction=True)
def test_a_response_that_cannot_be_stored_leaves_the_link_unused(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All or nothing: if the response row fails, the invitation is not marked responded."""
    wave = make_wave(cast)
    invitation = find_invitation(token_for(wave, "card1@alpha.example"))
    assert invitation is not None
    parsed = parse_answers(build_form(wave), GOOD_ANSWERS)
    monkeypatch.setattr(submissions, "_response_row", _a_row_that_cannot_be_stored)

    with pytest.raises(IntegrityError):
        submit_with_invitation(invitation, parsed)

    stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.status != Invitation.Status.RESPONDED
    assert stored.responded_on is None
    assert Response.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_response_that_cannot_be_stored_leaves_the_form_unused(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    wave = make_wave(cast)
    link = _cardiology_link(cast, wave)
    parsed = parse_answers(build_form(wave), GOOD_ANSWERS)
    with monkeypatch.context() as patched:
        patched.setattr(submissions, "_response_row", _a_row_that_cannot_be_stored)
        with pytest.raises(IntegrityError):
            submit_with_anonymous_link(link, "a-form", parsed, role="physician", tenure_band="")
    assert SubmissionReceipt.objects.filter(wave=wave).count() == 0

    # the retry of the same form is recorded
    retried = submit_with_anonymous_link(link, "a-form", parsed, role="physician", tenure_band="")
    assert retried.outcome is Outcome.RECORDED
    assert Response.objects.filter(wave=wave).count() == 1


def _drop_this_connection() -> None:
    """Terminate the server side of Django's connection, as a database restart would."""
    pid = connection.connection.info.backend_pid  # type: ignore[union-attr]
    server = connection.settings_dict
    with psycopg.connect(
        host=server["HOST"] or None,
        port=server["PORT"] or None,
        user=server["USER"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_survey_link_opens_on_a_connection_the_database_dropped(cast: Cast) -> None:
    """The lookup stands in for Django's per-request health check, so it must also recover."""
    wave: Wave = make_wave(cast)
    token = token_for(wave, "card1@alpha.example")
    connection.ensure_connection()
    db: Any = connection
    assert db.health_check_enabled  # CONN_HEALTH_CHECKS, as configured in settings

    _drop_this_connection()
    db.health_check_done = False  # what Django does when the next request starts
    invitation = find_invitation(token)

    assert invitation is not None
    assert invitation.wave.pk == wave.pk
    assert db.health_check_done  # Django will not send its own SELECT 1 for this request


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_dropped_connection_is_an_error_without_the_check(cast: Cast) -> None:
    """The fault above is real: once this request's check is done, a dropped connection
    fails the read instead of being retried (a retry mid-request could repeat a write)."""
    from django.db import OperationalError

    wave = make_wave(cast)
    token = token_for(wave, "card1@alpha.example")
    connection.ensure_connection()
    db: Any = connection
    _drop_this_connection()
    db.health_check_done = True

    with pytest.raises(OperationalError):
        find_invitation(token)
    connection.close()
