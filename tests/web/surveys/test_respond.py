"""The respondent path over HTTP: open, answer, submit, feedback — and its edge cases."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from clinwell.web.schedule import Scheduler
from clinwell.web.surveys.models import Invitation, Response, SubmissionReceipt, Wave
from tests.web.conftest import Cast
from tests.web.sealed import opened
from tests.web.surveys.conftest import GOOD_ANSWERS, make_wave, token_for


def test_opening_a_link_never_consumes_it(cast: Cast, wave: Wave) -> None:
    client = Client()
    token = token_for(wave, "card1@alpha.example")
    for _ in range(3):  # e-mail security scanners open every link
        page = client.get(f"/s/{token}/")
        assert page.status_code == 200
        assert "Submit my answers" in page.content.decode()
    assert (
        Invitation.objects.get(wave=wave, person__email="card1@alpha.example").status != "responded"
    )
    assert Response.objects.count() == 0


def test_submitting_records_one_response_and_shows_private_feedback(cast: Cast, wave: Wave) -> None:
    client = Client()
    token = token_for(wave, "card1@alpha.example")
    page = client.post(f"/s/{token}/", GOOD_ANSWERS)
    body = page.content.decode()
    assert page.status_code == 200
    assert "your answers are recorded" in body
    assert "888-409-0141" in body  # Physician Support Line
    assert "988" in body
    assert "AMA Organizational Biopsy national comparison" in body
    assert "Massachusetts" in body or "MA" in body  # the organization's state PHP
    (response,) = opened(wave)
    assert response.scores["single_item_burnout.burnout"] is True
    assert response.scores["who5.raw"] == 8
    assert response.scores["who5.percent"] == 32
    assert response.unit_id == cast.unit(cast.alpha, "Alpha Health/Site A/Medicine/Cardiology").pk
    assert response.role == "physician"
    assert response.comment == "More protected admin time, please."


def test_submitting_twice_records_one_response(cast: Cast, wave: Wave) -> None:
    client = Client()
    token = token_for(wave, "card1@alpha.example")
    first = client.post(f"/s/{token}/", GOOD_ANSWERS)
    second = client.post(f"/s/{token}/", GOOD_ANSWERS)  # double click or network retry
    assert first.status_code == 200
    assert "already been recorded" in second.content.decode()
    assert Response.objects.count() == 1
    reopened = client.get(f"/s/{token}/")
    assert "already been recorded" in reopened.content.decode()


def test_an_invalid_answer_is_named_and_nothing_is_stored(cast: Cast, wave: Wave) -> None:
    token = token_for(wave, "card1@alpha.example")
    page = Client().post(
        f"/s/{token}/", {**GOOD_ANSWERS, "q:who5.1": "9", "q:admin_burden.2": "-4"}
    )
    body = page.content.decode()
    assert page.status_code == 400
    assert "Please check 2 answers" in body
    assert "Please choose one of the options." in body
    assert Response.objects.count() == 0
    assert 'value="12"' in body  # the other answers are kept in the form


def test_prefer_not_to_answer_and_blank_answers_are_missing(cast: Cast, wave: Wave) -> None:
    token = token_for(wave, "card1@alpha.example")
    answers = {"q:single_item_burnout.1": "2", "q:admin_burden.1": ""}
    assert Client().post(f"/s/{token}/", answers).status_code == 200
    (response,) = opened(wave)
    assert response.scores["who5.raw"] is None  # too few answers to score
    assert response.answers["admin_burden"]["admin_burden.1"] is None


def test_a_closed_wave_shows_a_clear_page(cast: Cast, wave: Wave) -> None:
    token = token_for(wave, "card1@alpha.example")
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.CLOSED)
    page = Client().post(f"/s/{token}/", GOOD_ANSWERS)
    assert page.status_code == 410
    assert "This survey has closed" in page.content.decode()
    assert Response.objects.count() == 0


def test_a_submission_after_the_end_time_is_refused_and_the_schedule_closes_the_wave(
    cast: Cast, wave: Wave
) -> None:
    client = Client()
    token = token_for(wave, "card1@alpha.example")
    assert client.get(f"/s/{token}/").status_code == 200
    Wave.objects.filter(pk=wave.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    page = client.post(f"/s/{token}/", GOOD_ANSWERS)
    assert "This survey has closed" in page.content.decode()
    assert Response.objects.count() == 0
    # showing a page never changes state: the scheduled task closes the wave
    assert Wave.objects.get(pk=wave.pk).status == Wave.Status.OPEN
    assert "clinwell.web.surveys.tasks.close_due_waves" in Scheduler().tick()
    assert Wave.objects.get(pk=wave.pk).status == Wave.Status.CLOSED
    assert Response.objects.count() == 0


def test_an_unknown_token_gets_a_clear_page(cast: Cast, wave: Wave) -> None:
    page = Client().get("/s/not-a-real-token/")
    assert page.status_code == 404
    assert "We do not recognise this link" in page.content.decode()
    page = Client().post("/s/not-a-real-token/", GOOD_ANSWERS)
    assert page.status_code == 404


def test_a_draft_wave_is_not_open_yet(cast: Cast) -> None:
    wave = make_wave(cast, launch=False)
    from clinwell.web.surveys.services.waves import ensure_anonymous_link

    link = ensure_anonymous_link(wave, cast.unit(cast.alpha, "Alpha Health/Site A"))
    page = Client().get(f"/a/{link.token}/")
    assert "has not opened yet" in page.content.decode()


def test_anonymous_link_records_once_per_form(cast: Cast, wave: Wave, anonymous_token: str) -> None:
    client = Client()
    form = client.get(f"/a/{anonymous_token}/").content.decode()
    nonce = form.split('name="nonce" value="')[1].split('"')[0]
    data = {**GOOD_ANSWERS, "nonce": nonce, "role": "nurse", "tenure_band": "6to10"}
    assert (
        "your answers are recorded" in client.post(f"/a/{anonymous_token}/", data).content.decode()
    )
    assert "already been recorded" in client.post(f"/a/{anonymous_token}/", data).content.decode()
    (response,) = opened(wave)
    assert (response.role, response.tenure_band) == ("nurse", "6to10")
    assert response.unit_id == cast.unit(cast.alpha, "Alpha Health/Site A/Medicine/Cardiology").pk
    assert SubmissionReceipt.objects.count() == 1
    # a new visit is a new form and may answer again (anonymous links cannot deduplicate people)
    again = client.get(f"/a/{anonymous_token}/").content.decode()
    nonce2 = again.split('name="nonce" value="')[1].split('"')[0]
    assert nonce2 != nonce


def test_anonymous_link_rejects_an_unknown_role(
    cast: Cast, wave: Wave, anonymous_token: str
) -> None:
    client = Client()
    page = client.post(f"/a/{anonymous_token}/", {**GOOD_ANSWERS, "nonce": "n1", "role": "pilot"})
    assert page.status_code == 400
    assert "Please choose one of the roles." in page.content.decode()
    assert Response.objects.count() == 0


def test_an_empty_form_is_not_recorded_and_keeps_the_link(cast: Cast, wave: Wave) -> None:
    client = Client()
    token = token_for(wave, "card1@alpha.example")
    page = client.post(f"/s/{token}/", {})
    assert page.status_code == 400  # as for any answer that needs correcting
    assert "Nothing was answered yet" in page.content.decode()
    assert Response.objects.count() == 0
    assert (
        Invitation.objects.get(wave=wave, person__email="card1@alpha.example").status != "responded"
    )
    one = {"q:who5.1": "2"}  # a single answer is enough
    assert "your answers are recorded" in client.post(f"/s/{token}/", one).content.decode()
    assert Response.objects.count() == 1
