"""The EHR page's run and wave picker, the trend across runs, pooled teamwork and the methods
block, and the mapping page that remembers an organization's action codes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from clinwell.web.ehrburden.models import ActionMapping, EhrMetricRow, EhrRun
from clinwell.web.ehrburden.services.report import unit_results
from clinwell.web.orgs.models import Membership
from tests.web.conftest import Cast
from tests.web.ehrburden.conftest import CARDIOLOGY, LogFiles, closed_burnout_wave, upload_form

pytestmark = pytest.mark.django_db


def _done_run(cast: Cast, post_run: Callable[..., Any], files: LogFiles, **form: Any) -> EhrRun:
    post_run(cast.analyst, upload_form(files, **form))
    run = EhrRun.objects.order_by("-pk").first()
    assert run is not None
    assert run.status == EhrRun.Status.DONE, run.error
    return run


def test_picker_trend_and_methods(
    cast: Cast,
    roster: dict[str, str],
    audit_log: LogFiles,
    post_run: Callable[..., Any],
    login: Callable[..., Any],
) -> None:
    first = _done_run(cast, post_run, audit_log)
    second = _done_run(cast, post_run, audit_log, period="month")
    older = closed_burnout_wave(cast, {CARDIOLOGY: [True] * 3 + [False] * 3})
    older.name, older.closes_at = "Autumn survey", older.closes_at.replace(year=2023)
    older.save()
    newer = closed_burnout_wave(cast, {CARDIOLOGY: [True] * 5 + [False] * 1})
    client = login(cast.owner)
    page = client.get("/o/alpha/ehr/").content.decode()
    assert f'<option value="{second.pk}" selected>' in page  # the latest run by default
    assert "Across runs" in page
    assert f"Run {first.pk}" in page and "monthly" in page  # noqa: PT018 (one table row each)
    assert "compare them with care" in page  # the two runs used different periods
    assert "Active-time definition and timeout" in page
    assert "300 s idle timeout" in page
    picked = client.get(f"/o/alpha/ehr/?run={first.pk}&wave={older.pk}").content.decode()
    assert f'<option value="{first.pk}" selected>' in picked
    assert f'<option value="{older.pk}" selected>' in picked
    assert "Autumn survey" in picked
    assert client.get("/o/alpha/ehr/?run=999999").status_code == 404
    owner = Membership.objects.get(user=cast.owner, organization=cast.alpha)
    rows = {r.path: r for r in unit_results(owner, first, older).rows}
    assert rows[CARDIOLOGY].burnout is not None
    assert rows[CARDIOLOGY].burnout.estimate == pytest.approx(0.5)
    assert newer.pk != older.pk


def test_teamwork_is_pooled_over_periods(
    cast: Cast, roster: dict[str, str], audit_log: LogFiles, post_run: Callable[..., Any]
) -> None:
    run = _done_run(cast, post_run, audit_log)
    owner = Membership.objects.get(user=cast.owner, organization=cast.alpha)
    rows = {r.path: r for r in unit_results(owner, run).rows}
    cardiology = rows[CARDIOLOGY].values["teamwork_orders_pct"]
    assert cardiology is not None
    per_clinician = []
    for cid, path in roster.items():
        if path != CARDIOLOGY:
            continue
        mine = EhrMetricRow.objects.filter(run=run, clinician_id=cid)
        signed = sum(r.signed_orders or 0 for r in mine)
        team = sum(r.team_orders or 0 for r in mine)
        per_clinician.append(100 * team / signed)
    assert cardiology.estimate == pytest.approx(float(np.mean(per_clinician)), rel=1e-12)


def test_mapping_page_remembers_codes_for_later_runs(
    cast: Cast,
    roster: dict[str, str],
    audit_log: LogFiles,
    post_run: Callable[..., Any],
    login: Callable[..., Any],
) -> None:
    run = _done_run(cast, post_run, audit_log)
    unknown = dict(run.run_info["unmapped_actions"])
    assert unknown == {"Synthetic unmapped action": unknown["Synthetic unmapped action"]}
    analyst = login(cast.analyst)
    page = analyst.get(f"/o/alpha/ehr/runs/{run.pk}/actions/").content.decode()
    assert "Synthetic unmapped action" in page
    reply = analyst.post(f"/o/alpha/ehr/runs/{run.pk}/actions/", {"map-0": "inbox"})
    assert reply.status_code == 302
    saved = ActionMapping.objects.get(organization=cast.alpha)
    assert (saved.action, saved.activity) == ("Synthetic unmapped action", "inbox")
    assert ActionMapping.objects.filter(organization=cast.beta).count() == 0
    later = _done_run(cast, post_run, audit_log)
    assert later.run_info["unmapped_actions"] == []
    before = sum(r.inbox_hours for r in EhrMetricRow.objects.filter(run=run))
    after = sum(r.inbox_hours for r in EhrMetricRow.objects.filter(run=later))
    assert after > before
    assert (
        analyst.post(f"/o/alpha/ehr/runs/{run.pk}/actions/", {"map-0": "gardening"}).status_code
        == 200
    )
    assert ActionMapping.objects.get(organization=cast.alpha).activity == "inbox"
    assert login(cast.leader).get(f"/o/alpha/ehr/runs/{run.pk}/actions/").status_code in (403, 404)
