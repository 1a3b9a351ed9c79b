"""The comments page over HTTP: theme counts through the comment threshold, masking, roles,
search, near-duplicates, shuffling, themes over waves, theme links, and a plan from a theme."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from django.test import Client

from clinwell.comments import THEME_KEYS, theme
from clinwell.web.accounts.models import User
from clinwell.web.results.services import comment_themes
from clinwell.web.results.services.cache import results_for
from clinwell.web.surveys.models import Wave
from tests.web.conftest import Cast
from tests.web.results.conftest import (
    CARDIO,
    DUPLICATE,
    MASKED,
    PEDS,
    SURGERY,
)


def _page(client: Client, wave: Wave, unit: int | None = None, **query: str) -> str:
    params = {"wave": str(wave.pk), **({"unit": str(unit)} if unit else {}), **query}
    response = client.get("/o/alpha/results/comments/", params)
    assert response.status_code == 200
    return response.content.decode()


def _count_cell(body: str, label: str) -> int:
    """The 'Comments' column of a theme's row in the page's theme table."""
    found = re.search(
        rf'#theme-[a-z_]+">{re.escape(html.escape(label))}</a></th>\s*<td class="num">(\d+)</td>',
        body,
    )
    assert found, label
    return int(found.group(1))


def _comment_texts(body: str) -> list[str]:
    raw = re.findall(r'<p class="comment__text">(.*?)</p>', body, flags=re.S)
    return [html.unescape(re.sub(r"</?mark>", "", t)) for t in raw]


def test_the_release_stores_theme_counts_only_for_released_comment_lists(
    cast: Cast, comment_waves: tuple[Wave, Wave]
) -> None:
    res = results_for(comment_waves[1])
    peds = res.cell(cast.unit(cast.alpha, PEDS).pk)
    assert peds.comments["comment"] is not None
    summary = peds.comment_themes["comment"]
    assert summary["count"] == len(peds.comments["comment"]) == 31
    assert len(summary["labels"]) == summary["count"]
    assert max(summary["themes"], key=summary["themes"].get) == "safety_violence"
    assert sum(summary["sentiment"].values()) == summary["count"]
    surgery = res.cell(cast.unit(cast.alpha, SURGERY).pk)
    assert not surgery.suppressed  # scores published (7 >= 5) ...
    assert surgery.comment_themes is None or surgery.comment_themes["comment"] is None


def test_theme_counts_respect_the_comment_threshold(
    cast: Cast, comment_waves: tuple[Wave, Wave], login: Callable[[User], Client]
) -> None:
    client = login(cast.owner)
    wave = comment_waves[1]
    peds = cast.unit(cast.alpha, PEDS)
    body = _page(client, wave, peds.pk)
    stored = results_for(wave).cell(peds.pk).comment_themes["comment"]["themes"]
    for key in THEME_KEYS:
        assert _count_cell(body, theme(key).label) == stored[key]
    surgery = cast.unit(cast.alpha, SURGERY)
    body = _page(client, wave, surgery.pk)
    assert "No comment themes released for Surgery" in body
    assert "Themes in Surgery" not in body
    assert "operating room" not in body
    site_a = _page(client, wave, cast.unit(cast.alpha, "Alpha Health/Site A").pk)
    row = site_a[site_a.index(">Surgery</th>") :]
    assert row[: row.index("</tr>")].count("suppressed") >= 1


def test_masking_applies_to_representative_comments_and_search(
    cast: Cast, comment_waves: tuple[Wave, Wave], login: Callable[[User], Client]
) -> None:
    client = login(cast.owner)
    peds = cast.unit(cast.alpha, PEDS).pk
    body = _page(client, comment_waves[1], peds)
    assert MASKED in _comment_texts(body)
    for secret in ("Card One", "612-555", "card1@alpha"):
        assert secret not in body
    # A search cannot find what the mask removed.
    assert _comment_texts(_page(client, comment_waves[1], peds, q="612")) == []
    assert _comment_texts(_page(client, comment_waves[1], peds, q='"Card One"')) == []
    assert _comment_texts(_page(client, comment_waves[1], peds, q="shouted")) == [MASKED]


@pytest.mark.parametrize("role", ["analyst", "executive", "leader"])
def test_roles_without_comment_access_see_counts_but_no_text(
    cast: Cast, comment_waves: tuple[Wave, Wave], login: Callable[[User], Client], role: str
) -> None:
    client = login(getattr(cast, role))
    cardio = cast.unit(cast.alpha, CARDIO)
    body = _page(client, comment_waves[1], cardio.pk, q="EHR")
    stored = results_for(comment_waves[1]).cell(cardio.pk).comment_themes["comment"]
    assert _count_cell(body, "EHR and documentation") == stored["themes"]["ehr_documentation"]
    assert _comment_texts(body) == []
    assert 'name="q"' not in body
    cardio_texts = results_for(comment_waves[1]).cell(cardio.pk).comments["comment"]
    assert not [t for t in cardio_texts if html.escape(t) in body]
    assert "shown to administrators only" in body


def test_search_finds_and_highlights_words(
    cast: Cast, comment_waves: tuple[Wave, Wave], login: Callable[[User], Client]
) -> None:
    client = login(cast.owner)
    peds = cast.unit(cast.alpha, PEDS).pk
    body = _page(client, comment_waves[1], peds, q="nurses")
    texts = _comment_texts(body)
    assert texts
    assert all("nurses" in t.lower() for t in texts)
    assert "<mark>nurses</mark>" in body
    everything = _comment_texts(_page(client, comment_waves[1], peds))
    assert len(texts) < len(everything)


def test_near_duplicates_are_shown_once_with_their_count(
    cast: Cast, comment_waves: tuple[Wave, Wave], login: Callable[[User], Client]
) -> None:
    client = login(cast.owner)
    body = _page(client, comment_waves[1], cast.unit(cast.alpha, PEDS).pk)
    assert _comment_texts(body).count(DUPLICATE) == 1
    item = body[body.index(html.escape(DUPLICATE)) :]
    assert "6 similar comments" in item[: item.index("</li>")]


def test_comments_are_shuffled_not_alphabetical_and_stable_for_the_release(
    cast: Cast, comment_waves: tuple[Wave, Wave], login: Callable[[User], Client]
) -> None:
    client = login(cast.owner)
    peds = cast.unit(cast.alpha, PEDS).pk
    first = _comment_texts(_page(client, comment_waves[1], peds))
    assert len(first) > 10
    assert first != sorted(first)
    assert _comment_texts(_page(client, comment_waves[1], peds)) == first


def test_a_theme_filter_lists_only_that_themes_comments(
    cast: Cast, comment_waves: tuple[Wave, Wave], login: Callable[[User], Client]
) -> None:
    client = login(cast.owner)
    peds = cast.unit(cast.alpha, PEDS)
    body = _page(client, comment_waves[1], peds.pk, theme="safety_violence")
    assert "Comments about Safety and violence" in body
    cell = results_for(comment_waves[1]).cell(peds.pk)
    labels = dict(
        zip(cell.comments["comment"], cell.comment_themes["comment"]["labels"], strict=True)
    )
    shown = _comment_texts(body)
    assert shown
    assert all("safety_violence" in labels[t][0] for t in shown)


def test_themes_over_waves(
    cast: Cast, comment_waves: tuple[Wave, Wave], login: Callable[[User], Client]
) -> None:
    client = login(cast.analyst)
    peds = cast.unit(cast.alpha, PEDS).pk
    body = _page(client, comment_waves[1], peds)
    table = body[body.index("Themes over waves") :]
    table = table[: table.index("</table>")]
    assert "Autumn 2025" in table
    assert "Spring 2026" in table
    row = table[table.index(">Pay and recognition</th>") :]
    older, latest = re.findall(r'<td class="num">(\d+)%</td>', row[: row.index("</tr>")])
    assert int(older) > int(latest)  # the older wave was planted with pay comments


def test_each_theme_links_to_items_priority_areas_interventions_and_a_plan(
    cast: Cast, comment_waves: tuple[Wave, Wave], login: Callable[[User], Client]
) -> None:
    body = _page(login(cast.owner), comment_waves[1])
    t = theme("ehr_documentation")
    section = body[body.index('id="theme-ehr_documentation"') :]
    section = section[: section.index("</details>")]
    assert "/o/alpha/knowledge/nam/#pa5" in section
    for intervention_id in t.interventions:
        assert f"/o/alpha/knowledge/interventions/{intervention_id}/" in section
    assert "/o/alpha/results/drivers/" in section
    assert (
        f"/o/alpha/actions/new/?theme=ehr_documentation&amp;wave={comment_waves[1].pk}" in section
    )
    # analysts view plans but cannot start them: no plan link
    assert "/actions/new/" not in _page(login(cast.analyst), comment_waves[1])


def test_an_action_plan_starts_from_a_theme(cast: Cast, login: Callable[[User], Client]) -> None:
    response = login(cast.owner).get("/o/alpha/actions/new/", {"theme": "safety_violence"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Safety and violence" in body
    assert 'value="Address safety and violence' in body
    for intervention_id in theme("safety_violence").interventions:
        assert re.search(rf'value="{intervention_id}"[^>]*checked', body), intervention_id


def test_a_page_request_never_runs_the_model(
    cast: Cast,
    comment_waves: tuple[Wave, Wave],
    login: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for wave in comment_waves:
        results_for(wave)  # the release, as the task worker computes it at wave close

    def refuse(texts: object) -> None:
        raise AssertionError("the model ran during a request")

    monkeypatch.setattr(comment_themes, "classify", refuse)
    body = _page(login(cast.owner), comment_waves[1], cast.unit(cast.alpha, PEDS).pk, q="nurses")
    assert "Themes in Pediatrics" in body


def test_the_board_report_carries_the_theme_counts(
    cast: Cast, comment_waves: tuple[Wave, Wave], login: Callable[[User], Client]
) -> None:
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from clinwell.web.dashboard.presenters.board_report import report_context
    from clinwell.web.orgs.models import Membership
    from clinwell.web.results.services.scope import pick_wave, scope_for

    peds = cast.unit(cast.alpha, PEDS)
    response = login(cast.executive).get(f"/o/alpha/results/report.pdf?unit={peds.pk}")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    membership = Membership.objects.get(user=cast.executive, organization=cast.alpha)
    waves, wave = pick_wave(membership, None)
    for unit, shown in ((peds, True), (cast.unit(cast.alpha, SURGERY), False)):
        scope = scope_for(membership, str(unit.pk), {}, wave)
        context = report_context(membership, waves, wave, scope, {})
        page = render_to_string("dashboard/report.html", context, RequestFactory().get("/"))
        assert ("comment themes" in page) == shown
        if shown:
            count = results_for(wave).cell(peds.pk).comment_themes["comment"]["themes"]
            row = page[page.index("<td>Safety and violence</td>") :]
            assert f'<td class="num">{count["safety_violence"]}</td>' in row[: row.index("</tr>")]
