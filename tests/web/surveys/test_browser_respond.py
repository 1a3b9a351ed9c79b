"""In Chromium: invite → open → answer → submit → feedback, with and without JavaScript."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.web.browser import log_in, serious_violations
from tests.web.conftest import PASSWORD, Cast
from tests.web.sealed import opened
from tests.web.surveys.conftest import make_wave, token_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def answer_survey(page: Any) -> None:
    page.get_by_role("group", name=re.compile("Overall, based on your definition")).get_by_role(
        "radio", name=re.compile("^I am definitely burning out")
    ).check()
    for number in range(1, 6):
        group = page.locator("fieldset", has=page.locator(f"input[name='q:who5.{number}']"))
        group.get_by_role("radio", name="Some of the time").check()
    page.get_by_label(re.compile("how many prior authorizations")).fill("14")
    page.get_by_label(re.compile("one change would most improve")).fill("Fewer inbox messages.")


def test_full_path_from_invitation_to_feedback(cast: Cast, live_server: Any, browser: Any) -> None:
    wave = make_wave(cast)
    admin = browser.new_context()
    admin_page = admin.new_page()
    log_in(admin_page, live_server.url, "owner@example.org", PASSWORD)
    admin_page.goto(f"{live_server.url}/o/alpha/surveys/{wave.pk}/")
    admin_page.get_by_role("link", name="Send invitations…").click()
    admin_page.get_by_role("button", name="Send 5 invitations").click()
    expect(admin_page.get_by_text("5 sent of 5 (100%).")).to_be_visible()
    admin.close()

    invitation = next(m for m in mail.outbox if m.to == ["card1@alpha.example"])
    link = re.search(r"http\S+/s/\S+/", invitation.body).group(0)
    link = link.replace("http://127.0.0.1:8000", live_server.url)

    respondent = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = respondent.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", name="Spring pulse")).to_be_visible()
    assert serious_violations(page) == []
    progress = page.locator("[data-progress-text]")
    assert progress.inner_text() == "0 of 12 answered"
    answer_survey(page)
    assert progress.inner_text() == "7 of 12 answered"

    page.get_by_role("button", name="Submit my answers").click()
    expect(
        page.get_by_role("heading", name=re.compile("your answers are recorded"))
    ).to_be_visible()
    body = page.content()
    assert "888-409-0141" in body
    assert "988" in body
    assert "national comparison" in body
    assert serious_violations(page) == []
    # on a 390 px phone the results stack: nothing scrolls sideways, and each measure's own
    # value sits below its name, labelled
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    first = page.locator("table.feedback tbody tr").first
    name_box = first.locator("th").bounding_box()
    value = first.locator("td").first
    value_box = value.bounding_box()
    assert name_box is not None
    assert value_box is not None
    assert value_box["y"] >= name_box["y"] + name_box["height"] - 1
    assert value_box["width"] > 300
    assert value.get_attribute("data-label") == "You"
    assert value.evaluate("e => getComputedStyle(e, '::before').content") not in ("none", "normal")
    (response,) = opened(wave)
    assert response.comment == "Fewer inbox messages."
    # the saved draft is gone from this device once the response is recorded
    assert page.evaluate("Object.keys(localStorage).length") == 0
    assert page.evaluate("Object.keys(sessionStorage)") == []
    respondent.close()


def _drafts(page: Any) -> dict[str, str]:
    return page.evaluate(
        "Object.fromEntries(Object.keys(sessionStorage)"
        ".filter(k => k.startsWith('clinwell-draft:'))"
        ".map(k => [k, sessionStorage.getItem(k)]))"
    )


def test_a_draft_survives_a_reload_and_nobody_else_sees_it(
    cast: Cast, live_server: Any, browser: Any
) -> None:
    wave = make_wave(cast)
    token = token_for(wave, "card2@alpha.example")
    url = f"{live_server.url}/s/{token}/"
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    answer_survey(page)
    page.wait_for_function("Object.keys(sessionStorage).length > 0")
    (name, stored), *_ = _drafts(page).items()
    invitation = str(wave.invitations.get(person__email="card2@alpha.example").pk)
    # neither the name nor the stored value identifies the person or shows an answer
    assert token not in name
    assert invitation not in name
    assert "Fewer inbox" not in stored
    assert "who5" not in stored
    assert page.evaluate("Object.keys(localStorage).length") == 0

    page.reload()  # a dropped connection or an accidental reload loses nothing
    expect(page.get_by_text("Answers started earlier in this browser tab")).to_be_visible()
    assert page.locator("input[name='q:who5.1'][value='1']").is_checked()
    assert page.get_by_label(re.compile("how many prior authorizations")).input_value() == "14"
    assert page.locator("[data-progress-text]").inner_text() == "7 of 12 answered"

    # the next person at this workstation opens the link in a new tab: nothing is there
    other = context.new_page()
    other.goto(url)
    other.wait_for_load_state("networkidle")
    assert not other.locator("input[name='q:who5.1'][value='1']").is_checked()
    assert other.get_by_text("Answers started earlier").is_hidden()

    # ... and in the same tab, "Not yours? Clear them" removes the draft
    page.get_by_role("button", name="Not yours? Clear them").click()
    assert not page.locator("input[name='q:who5.1'][value='1']").is_checked()
    assert _drafts(page) == {}
    context.close()


def test_the_survey_works_without_javascript(cast: Cast, live_server: Any, browser: Any) -> None:
    wave = make_wave(cast)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{token_for(wave, 'med1@alpha.example')}/")
    answer_survey(page)
    page.get_by_label(re.compile("how many prior authorizations")).fill("-3")  # invalid
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", name="Please check 1 answer")).to_be_visible()
    assert page.locator("input[name='q:who5.1'][value='1']").is_checked()  # kept
    page.get_by_label(re.compile("how many prior authorizations")).fill("3")
    page.get_by_role("button", name="Submit my answers").click()
    expect(
        page.get_by_role("heading", name=re.compile("your answers are recorded"))
    ).to_be_visible()
    (response,) = opened(wave)
    assert response.answers["admin_burden"]["admin_burden.1"] == 3
    context.close()


def test_keyboard_only_respondent(cast: Cast, live_server: Any, page: Any) -> None:
    wave = make_wave(cast)
    page.goto(f"{live_server.url}/s/{token_for(wave, 'surg1@alpha.example')}/")
    first = page.locator("input[name='q:single_item_burnout.1']").first
    first.focus()
    page.keyboard.press("ArrowDown")  # radio groups move with the arrow keys
    assert page.locator("input[name='q:single_item_burnout.1'][value='2']").is_checked()
    page.get_by_role("button", name="Submit my answers").focus()
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name=re.compile("your answers are recorded"))
    ).to_be_visible()


def test_the_questions_about_the_respondent_on_a_phone(
    cast: Cast, live_server: Any, browser: Any
) -> None:
    wave = make_wave(cast, attributes=["gender", "career_stage"])
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/s/{token_for(wave, 'card1@alpha.example')}/")
    gender = page.get_by_role("group", name=re.compile("What is your gender"))
    why = gender.get_by_text(re.compile("only ever shown for groups of at least 5"))
    expect(why).to_be_visible()
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # the progress bar counts the instruments' questions only
    assert page.locator("[data-progress-text]").inner_text() == "0 of 12 answered"
    context.close()


def test_the_questions_about_the_respondent_without_javascript(
    cast: Cast, live_server: Any, browser: Any
) -> None:
    wave = make_wave(cast, attributes=["gender", "career_stage"])
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/s/{token_for(wave, 'peds1@alpha.example')}/")
    answer_survey(page)
    gender = page.get_by_role("group", name=re.compile("What is your gender"))
    gender.get_by_text("Non-binary").click()  # the whole option is the label
    stage = page.get_by_role("group", name=re.compile("your career stage"))
    stage.get_by_role("radio", name="Prefer not to say").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(
        page.get_by_role("heading", name=re.compile("your answers are recorded"))
    ).to_be_visible()
    (response,) = opened(wave)
    assert response.attributes == {"gender": "nonbinary", "career_stage": "not_stated"}
    context.close()
