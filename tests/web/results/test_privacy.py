"""Suppressed groups are shown as suppressed, and the exports publish released cells only."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from clinwell.web.accounts.models import User
from clinwell.web.dashboard.presenters.board_report import report_context
from clinwell.web.orgs.models import Membership, Unit
from clinwell.web.results.services.cache import results_for
from clinwell.web.results.services.scope import pick_wave, scope_for
from clinwell.web.surveys.models import Wave
from tests.privacy.attack import attack
from tests.web.conftest import Cast
from tests.web.results.conftest import Waves
from tests.web.sealed import opened


def _csv(client: Client) -> list[dict[str, str]]:
    response = client.get("/o/alpha/results/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_small_unit_is_suppressed_with_its_complement(cast: Cast, waves: Waves) -> None:
    res = results_for(waves.second)
    surgery = cast.unit(cast.alpha, "Alpha Health/Site A/Surgery")
    site_a = cast.unit(cast.alpha, "Alpha Health/Site A")
    medicine = cast.unit(cast.alpha, "Alpha Health/Site A/Medicine")
    assert res.cell(surgery.pk).suppressed
    assert res.cell(surgery.pk).n is None
    assert res.cell(surgery.pk).estimates == {}
    # Site A minus Medicine would be Surgery: one of them must be hidden too.
    assert res.cell(site_a.pk).suppressed or res.cell(medicine.pk).suppressed


def test_heatmap_shows_suppressed_cells_as_suppressed(
    cast: Cast, waves: Waves, login: Callable[[User], Client]
) -> None:
    site_a = cast.unit(cast.alpha, "Alpha Health/Site A")
    body = login(cast.owner).get(f"/o/alpha/results/heatmap/?unit={site_a.pk}").content.decode()
    row = body[body.index(">Surgery<") :]
    row = row[: row.index("</tr>")]
    assert "suppressed" in row
    assert "hatch" in body or "heat-cell suppressed" in row
    assert "Fewer than 5 respondents" in row


def test_exported_csv_cannot_be_used_to_derive_a_small_group(
    cast: Cast, waves: Waves, login: Callable[[User], Client]
) -> None:
    rows = _csv(login(cast.analyst))
    assert {r["suppressed"] for r in rows} == {"true", "false"}
    for r in rows:
        if r["suppressed"] == "true":
            assert r["n"] == ""
            assert all(
                v == "" for k, v in r.items() if k.endswith(("_estimate", "_lower", "_upper"))
            )
    # The attacker knows every response's unit path and the published cells.
    names = dict(Unit.objects.values_list("pk", "full_name"))
    responses = [{"unit": names[p.unit_id]} for p in opened(waves.second)]
    published = [
        {"unit": "*" if r["unit_id"] == "" else r["unit"]}
        for r in rows
        if r["suppressed"] == "false"
    ]
    assert attack(responses, published, {"unit"}, k=waves.second.min_n_scores) == []


def test_leader_export_holds_only_their_subtree(
    cast: Cast, waves: Waves, login: Callable[[User], Client]
) -> None:
    rows = _csv(login(cast.leader))
    assert rows
    assert all(r["unit"].startswith("Alpha Health/Site A/Medicine") for r in rows)


def test_pdf_report_is_built_from_released_cells(
    cast: Cast, waves: Waves, login: Callable[[User], Client]
) -> None:
    response = login(cast.executive).get("/o/alpha/results/report.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    membership = Membership.objects.get(user=cast.owner, organization=cast.alpha)
    all_waves, wave = pick_wave(membership, None)
    context = report_context(membership, all_waves, wave, scope_for(membership, None), {})
    html = render_to_string("dashboard/report.html", context, RequestFactory().get("/"))
    res = results_for(wave)
    for name in ("Site A", "Site B"):
        unit = cast.unit(cast.alpha, f"Alpha Health/{name}")
        row = html[html.index(f">{name}</td>") :]
        row = row[: row.index("</tr>")]
        cell = res.cell(unit.pk)
        if cell.suppressed:
            assert "suppressed" in row
            assert str(unit.pk) not in row
        else:
            assert "suppressed" not in row
            assert f">{cell.n}<" in row


def test_leader_report_and_pages_stay_in_the_subtree(
    cast: Cast, waves: Waves, login: Callable[[User], Client]
) -> None:
    membership = Membership.objects.get(user=cast.leader, organization=cast.alpha)
    all_waves, wave = pick_wave(membership, None)
    context = report_context(membership, all_waves, wave, scope_for(membership, None), {})
    html = render_to_string("dashboard/report.html", context, RequestFactory().get("/"))
    assert "Pediatrics" not in html
    assert "Surgery" not in html
    medicine = results_for(wave).cell(membership.unit_id)
    assert ("Cardiology" in html) == (not medicine.suppressed)


def test_comments_only_for_groups_at_the_comment_threshold(
    cast: Cast, clean_wave: Wave, login: Callable[[User], Client]
) -> None:
    client = login(cast.owner)
    peds = cast.unit(cast.alpha, "Alpha Health/Site B/Pediatrics")
    q = f"wave={clean_wave.pk}"
    body = client.get(f"/o/alpha/results/comments/?{q}&unit={peds.pk}").content.decode()
    released = results_for(clean_wave).cell(peds.pk).comments
    shown = released is not None and released["comment"] is not None
    assert ("Pediatrics note 0" in body and "Pediatrics note 11" in body) == shown
    org = client.get(f"/o/alpha/results/comments/?{q}").content.decode()
    org_released = results_for(clean_wave).cell(None).comments["comment"]
    assert ("Pediatrics note 0" in org) == (org_released is not None)
    surgery = cast.unit(cast.alpha, "Alpha Health/Site A/Surgery")
    body = client.get(f"/o/alpha/results/comments/?{q}&unit={surgery.pk}").content.decode()
    assert "Surgery note 0" not in body
    res = results_for(clean_wave)
    cell = res.cell(surgery.pk)
    assert not cell.suppressed  # its scores are published (7 >= 5) ...
    assert cell.comments is None or cell.comments["comment"] is None  # ... its comments not


def test_the_csv_export_writes_a_formula_unit_name_as_text(
    cast: Cast, waves: Waves, login: Callable[[User], Client]
) -> None:
    """CSV injection: a unit renamed to a formula is written as text, numbers as numbers."""
    unit = cast.unit(cast.alpha, "Alpha Health/Site B/Pediatrics")
    Unit.objects.filter(pk=unit.pk).update(full_name="=1+1|cmd")
    rows = _csv(login(cast.analyst))
    assert "'=1+1|cmd" in {r["unit"] for r in rows}
    assert all(not r["unit"].startswith(("=", "+", "-", "@")) for r in rows)


def test_released_comments_are_masked_before_they_are_stored(cast: Cast) -> None:
    from tests.web.results.conftest import add_responses, closed_wave

    wave = closed_wave(cast.alpha, "Masked", 3)
    peds = cast.unit(cast.alpha, "Alpha Health/Site B/Pediatrics")
    texts = [f"Comment {i}" for i in range(11)] + [
        "Card One shouted; call me at 612-555-0199 or mail card1@alpha.example"
    ]
    add_responses(wave, peds, 12, 5, comments=texts)
    released = results_for(wave).cell(peds.pk).comments["comment"]
    masked = next(t for t in released if "shouted" in t)
    assert masked == "[name removed] shouted; call me at [phone removed] or mail [e-mail removed]"
    assert not [t for t in released if "Card One" in t or "612-555" in t]
