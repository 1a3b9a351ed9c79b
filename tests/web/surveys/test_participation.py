"""Response rates: invited responses against invitations; anonymous-link responses apart."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from clinwell.web.accounts.models import User
from clinwell.web.surveys.models import Invitation
from clinwell.web.surveys.services.form import build_form, parse_answers
from clinwell.web.surveys.services.participation import live_counts
from clinwell.web.surveys.services.submissions import (
    submit_with_anonymous_link,
    submit_with_invitation,
)
from clinwell.web.surveys.services.waves import ensure_anonymous_link
from tests.web.conftest import Cast
from tests.web.surveys.conftest import GOOD_ANSWERS, make_wave

pytestmark = pytest.mark.django_db

CARDIOLOGY = "Alpha Health/Site A/Medicine/Cardiology"


def _wave_with(cast: Cast, invited_answers: int, link_answers: int):  # type: ignore[no-untyped-def]
    wave = make_wave(cast, min_n_scores=3, min_n_comments=3)
    answers = parse_answers(build_form(wave), GOOD_ANSWERS)
    emails = ["card1@alpha.example", "card2@alpha.example", "med1@alpha.example"]
    for email in emails[:invited_answers]:
        submit_with_invitation(Invitation.objects.get(wave=wave, person__email=email), answers)
    link = ensure_anonymous_link(wave, cast.unit(cast.alpha, CARDIOLOGY))
    for number in range(link_answers):
        submit_with_anonymous_link(link, f"form-{number}", answers, role="", tenure_band="")
    return wave


def test_the_rate_counts_invited_responses_against_invitations_only(cast: Cast) -> None:
    wave = _wave_with(cast, invited_answers=3, link_answers=4)
    live = live_counts(wave)
    assert live.total_invited == 5
    assert live.total_responded == 3  # not 7: link answers have no invitation
    assert live.total_rate == 60
    assert live.link_responses == 4
    assert live.all_responses == 7
    organization = next(r for r in live.by_unit if r.label == "Alpha Health")
    assert (organization.invited, organization.responded, organization.rate) == (5, 3, 60)
    assert organization.link_responses == 4
    # by role: invited people only; 1 or 2 answers per role are hidden (fewer than 3)
    by_role = {r.label: r.responded for r in live.by_role}
    assert by_role["Resident / fellow"] == 0
    assert by_role["Physician"] is None
    assert by_role["Nurse"] is None


def test_a_small_link_count_is_hidden_and_never_added_in(cast: Cast) -> None:
    live = live_counts(_wave_with(cast, invited_answers=3, link_answers=1))
    assert live.total_responded == 3
    assert live.total_rate == 60
    assert live.link_responses is None  # fewer than 3
    assert live.all_responses is None


def _text(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", page).split())


def test_the_pages_say_which_is_which(cast: Cast, login: Callable[[User], Client]) -> None:
    wave = _wave_with(cast, invited_answers=3, link_answers=4)
    client = login(cast.owner)
    detail = _text(client.get(f"/o/alpha/surveys/{wave.pk}/").content.decode())
    assert "3 of the 5 invited have answered (60% response rate)" in detail
    assert "Anonymous links, counted apart" in detail
    assert "4 responses. 7 responses in all." in detail
    index = _text(client.get("/o/alpha/surveys/").content.decode())
    assert "3 of 5 invited (60%)" in index
    assert "+ 4 by anonymous link" in index


def test_a_unit_page_links_to_its_results_rate_and_plans(
    cast: Cast, login: Callable[[User], Client]
) -> None:
    wave = _wave_with(cast, invited_answers=3, link_answers=4)
    site = cast.unit(cast.alpha, "Alpha Health/Site A")
    page = _text(login(cast.owner).get(f"/o/alpha/units/{site.pk}/").content.decode())
    assert "Results for Site A" in page
    assert "Action plans for Site A" in page
    raw = login(cast.owner).get(f"/o/alpha/units/{site.pk}/").content.decode()
    assert f"/o/alpha/results/?unit={site.pk}" in raw
    assert f"/o/alpha/actions/?unit={site.pk}" in raw
    # Site A: 4 invited (2 in Cardiology, Medicine, Surgery), 3 answered; 4 by its link
    assert f"{wave.name} (open until" in page
    assert "3 of 4 invited have answered (75%); 4 more by anonymous link." in page
    plans = _text(login(cast.owner).get(f"/o/alpha/actions/?unit={site.pk}").content.decode())
    assert "Plans for Site A and the units below it." in plans
