"""Results cut by role: a leader cuts only inside their subtree, hidden cells say why, the
national figures are compared with physicians only, and the CSV equals the page."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.test import Client

from clinwell.web.accounts.models import User
from clinwell.web.orgs.services.organizations import grant_membership
from clinwell.web.results.services.cache import results_for
from clinwell.web.surveys.models import Wave
from tests.web.conftest import Cast, make_user

PROTECTS = "Hidden to protect a smaller group nearby"


def site_a_leader(cast: Cast) -> User:
    user = make_user("site-a-lead@example.org")
    grant_membership(user, cast.alpha, "leader", cast.unit(cast.alpha, "Alpha Health/Site A"))
    return user


def csv_rows(client: Client, query: str) -> list[dict[str, str]]:
    response = client.get(f"/o/alpha/results/export.csv?{query}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_a_leader_cuts_their_subtree_by_role_and_sees_why_a_cell_is_hidden(
    cast: Cast, role_wave: Wave, login: Callable[[User], Client]
) -> None:
    client = login(site_a_leader(cast))
    response = client.get(f"/o/alpha/results/heatmap/?wave={role_wave.pk}&role=nurse")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows[0]["label"] == "Site A"
    assert rows[0]["n"] == 6 + 2 + 3
    assert [r["label"] for r in rows[1:]] == ["Medicine", "Surgery"]
    # Surgery's 3 nurses are hidden; one more nurse cell of at least 5 is hidden for them.
    assert any(r["state"] == "suppressed" for r in rows[1:])
    hidden = [r for r in rows if r["state"] == "suppressed"]
    assert any(r["protects_other"] for r in hidden)
    assert PROTECTS in response.content.decode()
    assert b"Showing <strong>Nurse</strong> in Site A" in response.content


def test_a_cut_never_reaches_outside_the_leaders_subtree(
    cast: Cast, role_wave: Wave, login: Callable[[User], Client]
) -> None:
    client = login(cast.leader)  # leads Site A/Medicine
    peds = cast.unit(cast.alpha, "Alpha Health/Site B/Pediatrics")
    outside = client.get(f"/o/alpha/results/heatmap/?wave={role_wave.pk}&unit={peds.pk}&role=nurse")
    assert outside.status_code == 404
    rows = csv_rows(client, f"wave={role_wave.pk}&role=nurse")
    assert rows
    assert {r["unit"].split("/")[2] for r in rows} == {"Medicine"}
    assert all(r["unit"].startswith("Alpha Health/Site A/Medicine") for r in rows)


def test_the_csv_equals_the_page_cell_by_cell(
    cast: Cast, role_wave: Wave, login: Callable[[User], Client]
) -> None:
    client = login(cast.owner)
    site_a = cast.unit(cast.alpha, "Alpha Health/Site A")
    query = f"wave={role_wave.pk}&unit={site_a.pk}&role=physician"
    page = client.get(f"/o/alpha/results/heatmap/?{query}")
    by_unit = {r["unit_id"]: r for r in csv_rows(client, query)}
    for row in page.context["rows"]:
        line = by_unit[str(row["unit"].pk)]
        assert line["role"] == "physician"
        assert (line["suppressed"] == "true") == (row["state"] == "suppressed")
        assert line["n"] == ("" if row["n"] is None else str(row["n"]))
        for cell in row["cells"]:
            shown = cell["value"]
            column = cell["measure"].column
            if row["state"] == "published" and not cell["withheld"]:
                assert line[f"{column}_estimate"] != ""
                assert shown not in ("", "–")


def test_national_figures_are_compared_with_physicians_only(
    cast: Cast, role_wave: Wave, login: Callable[[User], Client]
) -> None:
    client = login(cast.executive)
    everyone = client.get(f"/o/alpha/results/?wave={role_wave.pk}")
    assert all(card["national"] is None for card in everyone.context["kpis"])
    physicians = everyone.context["physicians"]
    assert physicians["cell"].n == sum(p for p, _ in _sizes())
    assert any(card["national"] for card in physicians["kpis"])
    nurses = client.get(f"/o/alpha/results/?wave={role_wave.pk}&role=nurse")
    assert all(card["national"] is None for card in nurses.context["kpis"])
    assert nurses.context["physicians"] is None
    only = client.get(f"/o/alpha/results/?wave={role_wave.pk}&role=physician")
    assert any(card["national"] for card in only.context["kpis"])


def test_unknown_groups_are_404(
    cast: Cast, role_wave: Wave, login: Callable[[User], Client]
) -> None:
    client = login(cast.owner)
    assert client.get(f"/o/alpha/results/?wave={role_wave.pk}&role=wizard").status_code == 404
    assert client.get(f"/o/alpha/results/?wave={role_wave.pk}&tenure=forever").status_code == 404
    tenure = client.get(f"/o/alpha/results/trends/?wave={role_wave.pk}&tenure=1to5")
    assert tenure.status_code == 200


def test_every_group_cell_is_released_by_the_one_release(cast: Cast, role_wave: Wave) -> None:
    res = results_for(role_wave)
    groups = res.groups(None)
    assert groups[0] == ""
    assert {"role=physician", "role=nurse", "tenure=1to5"} <= set(groups)
    assert "role=nurse&tenure=1to5" in groups  # role × attribute at the organization


def _sizes() -> list[tuple[int, int]]:
    from tests.web.results.conftest import ROLE_SIZES

    return list(ROLE_SIZES.values())


def test_the_equity_view_finds_the_planted_gap_and_controls_the_family(
    cast: Cast, role_wave: Wave, login: Callable[[User], Client]
) -> None:
    """Nurses were generated with a higher burnout score shift (0.4) than physicians."""
    client = login(cast.executive)
    response = client.get(f"/o/alpha/results/equity/?wave={role_wave.pk}")
    assert response.status_code == 200
    roles = next(s for s in response.context["sections"] if s["name"] == "role")
    assert roles["reference"]["code"] == "physician"  # the largest published group
    nurses = next(g for g in roles["groups"] if g["code"] == "nurse")
    gaps = [g["gap"] for g in nurses["gaps"] if g["gap"]]
    assert gaps
    assert response.context["tests"] == len(gaps)  # one attribute (tenure) has a single group
    for gap in gaps:
        assert 0.0 <= gap["p"] <= gap["q"] <= 1.0
        assert gap["clear_after_control"] == (gap["q"] <= 0.05)
    tenure = next(s for s in response.context["sections"] if s["name"] == "tenure")
    assert tenure["reference"] is None  # every respondent is in one band: nothing to compare


def test_values_fewer_than_k_respondents_gave_are_merged_into_not_stated() -> None:
    from clinwell.web.results.services.gate import coarsened

    values = ["woman"] * 6 + ["man"] * 5 + ["nonbinary"] * 2 + ["not_stated"]
    assert coarsened(values, 5) == ["woman"] * 6 + ["man"] * 5 + ["not_stated"] * 3
    assert coarsened(values, 1) == values


def test_the_equity_view_compares_groups_within_the_cut(
    cast: Cast, role_wave: Wave, login: Callable[[User], Client]
) -> None:
    """Cut to one tenure band, the page compares the roles of that band (role × attribute
    cells); cut to a role, it never compares roles, and says whom it is about."""
    client = login(cast.executive)
    within = client.get(f"/o/alpha/results/equity/?wave={role_wave.pk}&tenure=1to5")
    assert [s["name"] for s in within.context["sections"]] == ["role"]
    nurses = next(g for g in within.context["sections"][0]["groups"] if g["code"] == "nurse")
    assert nurses["cell"].group == "role=nurse&tenure=1to5"
    by_role = client.get(f"/o/alpha/results/equity/?wave={role_wave.pk}&role=nurse")
    assert "role" not in [s["name"] for s in by_role.context["sections"]]
    assert "within “Nurse”" in by_role.content.decode()


def test_the_cost_estimate_uses_the_physicians_burnout(
    cast: Cast, role_wave: Wave, login: Callable[[User], Client]
) -> None:
    """The turnover worksheet counts physicians, so its burnout rate is theirs, not
    everyone's; under another role's cut it is not offered."""
    client = login(cast.executive)
    everyone = client.get(f"/o/alpha/results/?wave={role_wave.pk}")
    physicians = client.get(f"/o/alpha/results/?wave={role_wave.pk}&role=physician")
    burnout = next(c for c in physicians.context["kpis"] if c["key"] == "burnout")
    mixed = next(c for c in everyone.context["kpis"] if c["key"] == "burnout")
    assert mixed["est"]["raw"]["estimate"] != burnout["est"]["raw"]["estimate"]
    assert everyone.context["cost"]["burnout_rate"] == burnout["est"]["raw"]["estimate"]
    assert physicians.context["cost"]["burnout_rate"] == burnout["est"]["raw"]["estimate"]
    nurses = client.get(f"/o/alpha/results/?wave={role_wave.pk}&role=nurse")
    assert nurses.context["cost"]["other_group"]
    assert "not for this group" in nurses.content.decode()
