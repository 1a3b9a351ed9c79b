"""No question twice: the item bank's burnout and intent-to-leave items give way to the
validated instruments that ask them (``waves.ASKED_BY``)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from clinwell.instruments import get_instrument
from clinwell.web.results.services.catalog import kpi_measures, wave_measures
from clinwell.web.surveys.models import Wave
from clinwell.web.surveys.services.feedback import unscored_measures
from clinwell.web.surveys.services.form import build_form
from clinwell.web.surveys.services.history import import_responses
from clinwell.web.surveys.services.lifecycle import close_wave
from clinwell.web.surveys.services.waves import (
    ASKED_BY,
    ModuleChoice,
    duplicate_items,
    wave_exclusions,
)
from tests.web.conftest import Cast
from tests.web.sealed import opened
from tests.web.surveys.conftest import make_wave, token_for

CARDIOLOGY = "Alpha Health/Site A/Medicine/Cardiology"
ALL_THREE = [
    ModuleChoice("org_wellbeing"),
    ModuleChoice("single_item_burnout"),
    ModuleChoice("intent_to_leave"),
]


def _asked(wave: Wave) -> list[str]:
    return [q.item.link_id for q in build_form(wave).questions()]


def test_every_linkid_of_the_rule_exists_and_is_a_different_instrument() -> None:
    for link_id, askers in ASKED_BY.items():
        owner = link_id.rsplit(".", 1)[0]
        get_instrument(owner).item(link_id)
        assert not get_instrument(owner).validated  # only custom items give way
        for asker in askers:
            other = asker.rsplit(".", 1)[0]
            assert other != owner
            get_instrument(other).item(asker)


def test_a_wave_with_all_three_renders_each_question_once(cast: Cast) -> None:
    wave = make_wave(cast, modules=ALL_THREE)
    asked = _asked(wave)
    assert len(asked) == len(set(asked))
    assert not {"org_wellbeing.19", "org_wellbeing.20"} & set(asked)
    assert {"single_item_burnout.1", "intent_to_leave.1"} <= set(asked)
    assert [i for i in asked if i.startswith("org_wellbeing.")] == [
        f"org_wellbeing.{n}" for n in range(1, 19)
    ]
    page = Client().get(f"/s/{token_for(wave, 'card1@alpha.example')}/").content.decode()
    for text in (
        get_instrument("single_item_burnout").item("single_item_burnout.1").text,
        get_instrument("intent_to_leave").item("intent_to_leave.1").text,
    ):
        assert page.count(text) == 1
    for link_id in ("org_wellbeing.19", "org_wellbeing.20"):
        assert get_instrument("org_wellbeing").item(link_id).text not in page
        assert f"q:{link_id}" not in page
    fields = re.findall(r'name="(q:[^"]+)"', page)
    assert sorted(set(fields)) == sorted(f"q:{i}" for i in asked)


def test_org_wellbeing_alone_asks_the_burnout_and_intent_to_leave_items(cast: Cast) -> None:
    wave = make_wave(cast, modules=[ModuleChoice("org_wellbeing")])
    asked = _asked(wave)
    assert asked == [f"org_wellbeing.{n}" for n in range(1, 21)]
    page = Client().get(f"/s/{token_for(wave, 'card1@alpha.example')}/").content.decode()
    for link_id in ("org_wellbeing.19", "org_wellbeing.20"):
        assert f'name="q:{link_id}"' in page
    response = Client().post(
        f"/s/{token_for(wave, 'card2@alpha.example')}/",
        {"q:org_wellbeing.19": "3", "q:org_wellbeing.20": "2", "q:org_wellbeing.15": "4"},
    )
    assert response.status_code == 200
    (response,) = opened(wave)
    scores = response.scores
    assert scores["org_wellbeing.burnout"] == 3
    assert scores["org_wellbeing.burned_out"] is True
    assert scores["org_wellbeing.intent_to_leave"] == 2
    assert scores["org_wellbeing.likely_to_leave"] is False
    assert scores["org_wellbeing.retention"] == 3  # ((6 - 4) + (6 - 2)) / 2


@pytest.mark.parametrize(
    ("others", "left_out"),
    [
        (("single_item_burnout",), {"org_wellbeing.19"}),
        (("mini_z2",), {"org_wellbeing.19"}),
        (("intent_to_leave",), {"org_wellbeing.20"}),
        (("who5", "cbi"), set()),
    ],
)
def test_each_item_gives_way_only_to_the_instrument_that_asks_it(
    others: tuple[str, ...], left_out: set[str]
) -> None:
    modules = [ModuleChoice("org_wellbeing"), *(ModuleChoice(o) for o in others)]
    assert {d.link_id for d in duplicate_items(modules).get("org_wellbeing", [])} == left_out
    assert wave_exclusions(modules)["org_wellbeing"] == left_out


def test_the_rule_adds_to_the_items_the_admin_left_out() -> None:
    modules = [
        ModuleChoice("org_wellbeing", ("org_wellbeing.13",)),
        ModuleChoice("intent_to_leave"),
    ]
    assert wave_exclusions(modules)["org_wellbeing"] == {"org_wellbeing.13", "org_wellbeing.20"}
    # the validated item left out by hand: the bank's item is then the one asked
    modules = [
        ModuleChoice("org_wellbeing"),
        ModuleChoice("intent_to_leave", ("intent_to_leave.1",)),
    ]
    assert wave_exclusions(modules)["org_wellbeing"] == set()


def test_the_wave_page_says_why_the_items_are_left_out(cast: Cast, login) -> None:
    wave = make_wave(cast, launch=False, modules=ALL_THREE)
    page = login(cast.owner).get(
        reverse("surveys:detail", kwargs={"org_slug": "alpha", "wave_id": wave.pk})
    )
    body = page.content.decode()
    assert "another module of this wave asks the same question" in body
    burnout = get_instrument("org_wellbeing").item("org_wellbeing.19").text
    leave = get_instrument("org_wellbeing").item("org_wellbeing.20").text
    assert f"“{escape(burnout)}” — asked by Single-item burnout measure" in body
    assert f"“{escape(leave)}” — asked by Intent to leave within two years" in body
    assert "org_wellbeing.19" not in body  # the item's wording, never its key
    assert "18 questions, 2 not asked twice" in body
    assert "20 in 3 modules" in body  # 18 + 1 + 1


def test_results_and_feedback_skip_the_measures_a_wave_never_asks(cast: Cast) -> None:
    wave = make_wave(cast, modules=ALL_THREE)
    modules = list(wave.modules.all())
    ids = [m.instrument_id for m in modules]
    measures = wave_measures(ids, wave_exclusions(modules))
    columns = {m.column for m in measures}
    assert not columns & {
        "org_wellbeing.burned_out",
        "org_wellbeing.likely_to_leave",
        "org_wellbeing.intent_to_leave",
        "org_wellbeing.retention",
    }
    kpis = kpi_measures(measures)
    assert kpis["burnout"].column == "single_item_burnout.burnout"
    assert kpis["intent_to_leave"].column == "intent_to_leave.leave"
    # org_wellbeing alone: its own items are the KPIs and the retention domain
    alone = {m.column: m for m in wave_measures(["org_wellbeing"], {})}
    assert alone["org_wellbeing.burned_out"].headline == "kpi"
    assert alone["org_wellbeing.likely_to_leave"].headline == "kpi"
    assert alone["org_wellbeing.retention"].headline == "domain"
    scores = {"org_wellbeing": dict.fromkeys(get_instrument("org_wellbeing").output_names)}
    asked = set(_asked(wave))
    labels = unscored_measures(scores, asked)
    assert not any("Burnout level" in label for label in labels)
    assert any("Burnout level" in label for label in unscored_measures(scores))


def test_a_past_wave_import_ignores_the_items_the_wave_did_not_ask(cast: Cast) -> None:
    wave = make_wave(cast, modules=ALL_THREE)
    close_wave(wave)
    frame = pd.DataFrame(
        {
            "unit": [CARDIOLOGY],
            "role": ["physician"],
            "single_item_burnout.1": [2],
            "intent_to_leave.1": [1],
            "org_wellbeing.19": [5],
            "org_wellbeing.20": [5],
        }
    )
    import_responses(wave, frame)
    (response,) = opened(wave)
    assert "org_wellbeing.19" not in response.answers["org_wellbeing"]
    assert response.scores["org_wellbeing.burnout"] is None
    assert response.scores["org_wellbeing.likely_to_leave"] is None
    assert response.scores["single_item_burnout.burnout"] is False
