"""Respondent attributes over HTTP: chosen on the wave form, locked at launch, asked at the
end of the respondent form, stored only inside the sealed response."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from clinwell.web.surveys.models import Response, Wave
from clinwell.web.surveys.services.sealing import Opener
from clinwell.web.surveys.services.waves import ModuleChoice, WaveError, update_wave
from tests.web.conftest import Cast
from tests.web.surveys.conftest import GOOD_ANSWERS, make_wave, token_for

ALL = ["gender", "race_ethnicity", "age_band", "career_stage"]


def url(name: str, wave: Wave | None = None) -> str:
    kwargs: dict[str, object] = {"org_slug": "alpha"}
    if wave is not None:
        kwargs["wave_id"] = wave.pk
    return reverse(f"surveys:{name}", kwargs=kwargs)


def sealed_payloads(wave: Wave) -> list:
    """Every response of ``wave``, opened with the sealing module's own opener."""
    opener = Opener(wave.pk)
    return [opener.open(r.id, r.sealed) for r in Response.objects.filter(wave=wave)]


WAVE_FORM = {
    "name": "Equity 2030",
    "opens_at": "2030-09-01T08:00",
    "closes_at": "2030-09-30T17:00",
    "time_zone": "America/Chicago",
    "min_n_scores": "5",
    "min_n_comments": "10",
    "use_single_item_burnout": "on",
}


def test_the_wave_form_offers_the_attributes_in_their_own_fieldset(cast: Cast, login) -> None:
    client = login(cast.owner)
    page = client.get(url("create")).content.decode()
    assert "<legend><strong>Questions about the respondent (optional)</strong></legend>" in page
    for label in ("Gender", "Race and ethnicity", "Age", "Career stage"):
        assert f"<strong>{label}</strong></label>" in page
    assert "Middle Eastern or North African" in page  # the categories are listed
    assert page.count('name="attributes"') == 4
    assert not re.search(r'name="attributes"[^>]*checked', page)  # none asked by default


def test_the_chosen_attributes_are_stored_in_form_order(cast: Cast, login) -> None:
    client = login(cast.owner)
    data = {**WAVE_FORM, "attributes": ["career_stage", "gender"]}
    assert client.post(url("create"), data).status_code == 302
    wave = Wave.objects.get(name="Equity 2030")
    assert wave.attributes == ["gender", "career_stage"]
    edit = client.get(url("edit", wave)).content.decode()
    assert len(re.findall(r'name="attributes" value="(?:gender|career_stage)"[^>]*checked', edit))
    assert client.post(url("edit", wave), {**data, "attributes": ["age_band"]}).status_code == 302
    assert Wave.objects.get(pk=wave.pk).attributes == ["age_band"]


def test_an_unknown_attribute_is_refused_at_its_field(cast: Cast, login) -> None:
    client = login(cast.owner)
    refused = client.post(url("create"), {**WAVE_FORM, "attributes": ["gender", "religion"]})
    assert refused.status_code == 200
    assert "religion is not one of the available choices" in refused.content.decode()
    assert not Wave.objects.filter(name="Equity 2030").exists()
    with pytest.raises(WaveError, match="unknown respondent attribute 'religion'") as caught:
        make_wave(cast, launch=False, attributes=["religion"])
    assert caught.value.field == "attributes"


def test_launch_locks_the_attributes(cast: Cast, login) -> None:
    wave = make_wave(cast, attributes=["gender"])
    client = login(cast.owner)
    detail = client.get(url("detail", wave)).content.decode()
    assert "<dt>About the respondent</dt><dd>Gender (optional to answer) — <strong>locked" in detail
    page = client.get(url("edit", wave)).content.decode()
    boxes = re.findall(r'<input type="checkbox" name="attributes"[^>]*>', page)
    assert len(boxes) == 4
    assert all("disabled" in box for box in boxes)
    # A posted change is ignored (the field is disabled) ...
    posted = {
        "name": "Renamed",
        "opens_at": "2030-09-01T08:00",
        "closes_at": "2030-09-30T17:00",
        "time_zone": "America/New_York",
        "min_n_scores": "5",
        "min_n_comments": "10",
        "intro": "",
        "attributes": ["gender", "race_ethnicity"],
    }
    client.post(url("edit", wave), posted)
    wave.refresh_from_db()
    assert wave.attributes == ["gender"]
    # ... and the service refuses it with a clear error.
    common = {
        "name": wave.name,
        "opens_at": wave.opens_at,
        "closes_at": wave.closes_at,
        "time_zone": wave.time_zone,
        "modules": [ModuleChoice(m.instrument_id) for m in wave.modules.all()],
        "min_n_scores": wave.min_n_scores,
        "min_n_comments": wave.min_n_comments,
    }
    with pytest.raises(WaveError, match="questions about the respondent cannot change") as caught:
        update_wave(wave, **common, attributes=["gender", "age_band"])
    assert caught.value.field == "attributes"
    update_wave(wave, **common, attributes=["gender"])  # unchanged is fine
    update_wave(wave, **common)  # and so is leaving them out
    assert Wave.objects.get(pk=wave.pk).attributes == ["gender"]


def test_the_respondent_form_asks_them_last_each_optional_with_its_reason(cast: Cast) -> None:
    wave = make_wave(cast, attributes=ALL, min_n_scores=4, min_n_comments=10)
    page = Client().get(f"/s/{token_for(wave, 'card1@alpha.example')}/").content.decode()
    assert "12 questions and 4 about you" in page
    about = page.index("Questions about you")
    assert page.rindex("prior authorizations") < about  # after the last instrument
    for question in (
        "What is your gender?",
        "Which of these best describes your race or ethnicity?",
        "How old are you?",
        "Which best describes your career stage?",
    ):
        assert page.index(question) > about
    assert page.count("groups of at least 4 people, never for anyone individually") == 4
    assert page.count('value="not_stated"> <span>Prefer not to say</span>') == 4
    assert "Native Hawaiian or Pacific Islander" in page
    assert not re.search(r'name="a:[a-z_]+"[^>]*checked', page)  # nothing preselected
    assert not re.search(r'name="a:[a-z_]+"[^>]*required', page)
    assert "style=" not in page


def test_a_wave_without_attributes_asks_none(cast: Cast) -> None:
    wave = make_wave(cast)
    page = Client().get(f"/s/{token_for(wave, 'card1@alpha.example')}/").content.decode()
    assert "Questions about you" not in page
    assert 'name="a:' not in page


def test_answers_are_stored_sealed_and_unanswered_ones_as_not_stated(cast: Cast) -> None:
    wave = make_wave(cast, attributes=ALL)
    answers = {
        **GOOD_ANSWERS,
        "a:gender": "woman",
        "a:race_ethnicity": "not_stated",  # "Prefer not to say"
        "a:career_stage": "early",
    }  # age band left empty
    page = Client().post(f"/s/{token_for(wave, 'card1@alpha.example')}/", answers)
    assert page.status_code == 200
    (payload,) = sealed_payloads(wave)
    assert payload.attributes == {
        "gender": "woman",
        "race_ethnicity": "not_stated",
        "age_band": "not_stated",
        "career_stage": "early",
    }
    # The row itself holds an id, the wave and ciphertext: no attribute in the clear.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM surveys_response")
        (row,) = cursor.fetchall()
    assert len(row) == 3
    assert all(b"woman" not in bytes(v) for v in row if isinstance(v, bytes | memoryview))
    assert all("woman" not in str(v) for v in row)


def test_an_anonymous_link_response_stores_them_too(cast: Cast, anonymous_token: str) -> None:
    wave = Wave.objects.get()
    Wave.objects.filter(pk=wave.pk).update(attributes=["gender", "age_band"])
    page = Client().get(f"/a/{anonymous_token}/").content.decode()
    nonce = re.search(r'name="nonce" value="([^"]+)"', page)
    assert nonce is not None
    answers = {**GOOD_ANSWERS, "nonce": nonce.group(1), "a:age_band": "60_plus"}
    assert Client().post(f"/a/{anonymous_token}/", answers).status_code == 200
    (payload,) = sealed_payloads(wave)
    assert payload.attributes == {"gender": "not_stated", "age_band": "60_plus"}


def test_an_unknown_code_is_refused_with_a_field_error_and_nothing_is_stored(cast: Cast) -> None:
    wave = make_wave(cast, attributes=["gender", "age_band"])
    token = token_for(wave, "card1@alpha.example")
    answers = {**GOOD_ANSWERS, "a:gender": "female", "a:age_band": "40_49"}
    page = Client().post(f"/s/{token}/", answers)
    body = page.content.decode()
    assert page.status_code == 400
    assert "Please check 1 answer" in body
    assert "Please choose one of the options for “Gender”, or “Prefer not to say”." in body
    assert 'href="#f-agender"' in body
    assert 'id="f-agender"' in body
    assert re.search(r'value="40_49"[^>]*checked', body)  # the valid answer is kept
    assert Response.objects.count() == 0
    # The same link still works once corrected.
    assert Client().post(f"/s/{token}/", {**answers, "a:gender": "man"}).status_code == 200
    (payload,) = sealed_payloads(wave)
    assert payload.attributes == {"gender": "man", "age_band": "40_49"}


def test_attributes_alone_do_not_count_as_answering_the_survey(cast: Cast) -> None:
    wave = make_wave(cast, attributes=["gender"])
    page = Client().post(f"/s/{token_for(wave, 'card1@alpha.example')}/", {"a:gender": "man"})
    assert page.status_code == 400
    assert "Nothing was answered yet" in page.content.decode()
    assert Response.objects.count() == 0


def test_the_preview_shows_the_questions_about_the_respondent(cast: Cast, login) -> None:
    wave = make_wave(cast, launch=False, attributes=["career_stage"])
    page = login(cast.owner).get(url("preview", wave)).content.decode()
    assert "Which best describes your career stage?" in page
    assert "In training (student, resident or fellow)" in page
