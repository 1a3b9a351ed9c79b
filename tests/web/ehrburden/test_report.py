"""Per-unit results through the privacy gate: small units hidden, leaders see their subtree,
survey burnout side by side, thresholds from the latest wave, benchmarks with their method."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from clinwell.privacy import ALL
from clinwell.web.ehrburden.benchmarks import BENCHMARKS, GAP, VENDOR, comparability
from clinwell.web.ehrburden.models import EhrRun
from clinwell.web.ehrburden.services.chart import chart_points
from clinwell.web.ehrburden.services.report import unit_results
from clinwell.web.orgs.models import Membership
from tests.web.conftest import Cast
from tests.web.ehrburden.conftest import (
    CARDIOLOGY,
    PEDIATRICS,
    SURGERY,
    LogFiles,
    closed_burnout_wave,
    upload_form,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(
    cast: Cast, roster: dict[str, str], audit_log: LogFiles, post_run: Callable[..., Any]
) -> EhrRun:
    post_run(cast.analyst, upload_form(audit_log))
    result = EhrRun.objects.get()
    assert result.status == EhrRun.Status.DONE, result.error
    return result


def member(cast: Cast, user: Any) -> Membership:
    return Membership.objects.get(user=user, organization=cast.alpha)


def by_path(report: Any) -> dict[str, Any]:
    return {r.path: r for r in report.rows}


def test_small_units_are_suppressed_and_cannot_be_recovered(cast: Cast, run: EhrRun) -> None:
    rows = by_path(unit_results(member(cast, cast.owner), run))
    assert rows[PEDIATRICS].suppressed
    assert rows[PEDIATRICS].n is None
    assert rows[PEDIATRICS].values == {}
    assert not rows[CARDIOLOGY].suppressed
    assert rows[CARDIOLOGY].n == 6
    # Pediatrics (2) = Alpha Health (13) − Site A (11): both cannot be published.
    total = rows.get("Alpha Health") or rows.get(ALL)
    site_a = rows["Alpha Health/Site A"]
    assert total is None or total.suppressed or site_a.suppressed
    site_b = rows.get("Alpha Health/Site B")
    assert site_b is None or site_b.suppressed


def test_pages_never_show_suppressed_values(
    cast: Cast, run: EhrRun, login: Callable[..., Any]
) -> None:
    html = login(cast.owner).get("/o/alpha/ehr/").content.decode()
    row = html.split('<span class="ehr-unit">Pediatrics</span>', 1)[1].split("</tr>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", row).replace("fewer than 5 clinicians", "")
    assert "Not shown" in text
    assert not re.search(r"\d", text), text


def test_leader_sees_only_their_subtree(cast: Cast, run: EhrRun, login: Callable[..., Any]) -> None:
    report = unit_results(member(cast, cast.leader), run)
    paths = [r.path for r in report.rows]
    assert paths
    assert all(p.startswith("Alpha Health/Site A/Medicine") for p in paths)
    assert CARDIOLOGY in paths
    assert ALL not in paths
    html = login(cast.leader).get("/o/alpha/ehr/").content.decode()
    assert "Cardiology" in html
    assert "Surgery" not in html
    assert "Pediatrics" not in html
    assert "matched the roster" not in html  # organization-wide counts are not a leader's


def test_leader_suppression_pattern_is_the_whole_organizations(cast: Cast, run: EhrRun) -> None:
    everyone = by_path(unit_results(member(cast, cast.owner), run))
    leader = by_path(unit_results(member(cast, cast.leader), run))
    for path, row in leader.items():
        assert row.suppressed == everyone[path].suppressed
        assert row.n == everyone[path].n


def test_burnout_from_the_latest_closed_wave_sits_beside_the_unit(cast: Cast, run: EhrRun) -> None:
    flags = {
        CARDIOLOGY: [True, True, False, False, False, True],
        SURGERY: [True, False, False, False, False],
        PEDIATRICS: [True, True],
    }
    wave = closed_burnout_wave(cast, flags)
    report = unit_results(member(cast, cast.analyst), run)
    rows = by_path(report)
    assert report.wave == wave
    assert rows[CARDIOLOGY].burnout_status == "shown"
    assert rows[CARDIOLOGY].burnout is not None
    assert rows[CARDIOLOGY].burnout.estimate == pytest.approx(3 / 6)
    assert rows[CARDIOLOGY].burnout_pct is not None
    assert rows[CARDIOLOGY].burnout_pct.estimate == pytest.approx(50.0)
    assert rows[PEDIATRICS].burnout_status in ("suppressed", "none")
    assert rows[PEDIATRICS].burnout is None
    points = chart_points(report.rows)
    assert {p["path"] for p in points} >= {CARDIOLOGY}
    assert all(p["path"] != PEDIATRICS for p in points)


def test_threshold_comes_from_the_latest_launched_wave(cast: Cast, run: EhrRun) -> None:
    closed_burnout_wave(cast, {}, min_n=7)
    report = unit_results(member(cast, cast.owner), run)
    rows = by_path(report)
    assert report.policy.min_n_scores == 7
    assert rows[CARDIOLOGY].suppressed  # 6 clinicians < 7
    assert "Spring survey" in report.policy_source


def test_benchmarks_carry_method_source_and_confirmation(cast: Cast, run: EhrRun) -> None:
    report = unit_results(member(cast, cast.executive), run)
    assert {b.benchmark.id for b in report.benchmarks} == {b.id for b in BENCHMARKS}
    for row in report.benchmarks:
        assert row.benchmark.url.startswith("http")
        if row.benchmark.method == VENDOR:
            assert row.comparability.startswith("Not comparable")
        if row.benchmark.method == GAP:
            assert "gap-based" in row.comparability
    assert any(not b.confirmed for b in BENCHMARKS)
    melnick = next(r for r in report.benchmarks if r.benchmark.id == "melnick_2021")
    whole = report.rows[0]  # the organization: withheld here when the gate hides it
    assert melnick.ours == (None if whole.suppressed else whole.values["ehr_time8"])
    assert "idle timeout 300 s" in report.method


def test_comparability_names_the_wow_definition() -> None:
    """A WOW benchmark's comparability says how this run defined outside work: clock-based
    WOW8 (a fixed working window) is not the schedule-based WOW8 of Sinsky et al."""
    wow_benchmarks = [b for b in BENCHMARKS if b.compare_to == "wow8"]
    assert wow_benchmarks
    schedule = {"idle_timeout": 300, "gap_rule": "drop", "wow_mode": "schedule"}
    clock = {
        **schedule,
        "wow_mode": "clock",
        "clock_start": "08:00",
        "clock_end": "18:00",
        "clock_days": [0, 1, 2, 3, 4],
    }
    for b in wow_benchmarks:
        by_schedule = comparability(b, schedule)
        by_clock = comparability(b, clock)
        assert "schedule-based: outside the clinician's scheduled sessions" in by_schedule
        assert "clock-based: outside 08:00–18:00 Mon–Fri" in by_clock
        assert by_clock != by_schedule
    buffered = comparability(wow_benchmarks[0], {**schedule, "buffer_minutes": 15})
    assert "widened by 15 min" in buffered
    ehr_time8 = next(b for b in BENCHMARKS if b.compare_to == "ehr_time8")
    assert comparability(ehr_time8, clock) == comparability(ehr_time8, schedule)
