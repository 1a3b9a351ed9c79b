"""Who may do what on the EHR pages; other tenants get 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from clinwell.web.ehrburden.models import EhrRun
from tests.web.conftest import Cast
from tests.web.ehrburden.conftest import LogFiles, upload_form

pytestmark = pytest.mark.django_db


def test_every_role_reads_the_page_outsiders_get_404(cast: Cast, login: Callable[..., Any]) -> None:
    for user in (cast.owner, cast.leader, cast.analyst, cast.executive):
        assert login(user).get("/o/alpha/ehr/").status_code == 200
    assert login(cast.outsider).get("/o/alpha/ehr/").status_code == 404


def test_empty_state_explains_the_files(cast: Cast, login: Callable[..., Any]) -> None:
    html = login(cast.analyst).get("/o/alpha/ehr/").content.decode()
    assert "No EHR metrics yet" in html
    for column in ("clinician_id,event_time,action", "clinician_id,start,end", "action,activity"):
        assert column in html
    assert "Compute EHR metrics" in html
    reader = login(cast.executive).get("/o/alpha/ehr/").content.decode()
    assert "No EHR metrics yet" in reader
    assert "Compute EHR metrics" not in reader
    sample = login(cast.leader).get("/o/alpha/ehr/samples/schedule.csv")
    assert sample.status_code == 200
    assert sample.content.startswith(b"clinician_id,start,end")


@pytest.mark.parametrize("role", ["leader", "executive"])
def test_only_admins_and_analysts_start_runs(
    cast: Cast, login: Callable[..., Any], audit_log: LogFiles, role: str
) -> None:
    client = login(getattr(cast, role))
    assert client.get("/o/alpha/ehr/new/").status_code == 403
    assert client.post("/o/alpha/ehr/new/", upload_form(audit_log)).status_code == 403
    assert not EhrRun.objects.exists()
    for user in (cast.owner, cast.analyst):
        assert login(user).get("/o/alpha/ehr/new/").status_code == 200


def test_runs_of_another_tenant_are_404(
    cast: Cast,
    roster: dict[str, str],
    audit_log: LogFiles,
    post_run: Callable[..., Any],
    login: Callable[..., Any],
) -> None:
    post_run(cast.analyst, upload_form(audit_log))
    run = EhrRun.objects.get()
    outsider = login(cast.outsider)
    for url in (
        f"/o/beta/ehr/runs/{run.pk}/",
        f"/o/alpha/ehr/runs/{run.pk}/",
        f"/o/beta/ehr/runs/{run.pk}/status/",
    ):
        assert outsider.get(url).status_code == 404
    assert outsider.post(f"/o/beta/ehr/runs/{run.pk}/remap/").status_code == 404
    assert "Cardiology" not in outsider.get("/o/beta/ehr/").content.decode()


def test_readers_see_finished_runs_only_and_no_inputs(
    cast: Cast,
    roster: dict[str, str],
    audit_log: LogFiles,
    post_run: Callable[..., Any],
    login: Callable[..., Any],
    tmp_path: Any,
) -> None:
    post_run(cast.analyst, upload_form(audit_log))
    bad = tmp_path / "events.csv"
    bad.write_text("clinician_id\nC1\n")
    post_run(cast.analyst, upload_form(audit_log, events_file=bad.open("rb")))
    done = EhrRun.objects.get(status=EhrRun.Status.DONE)
    failed = EhrRun.objects.get(status=EhrRun.Status.FAILED)
    executive = login(cast.executive)
    page = executive.get(f"/o/alpha/ehr/runs/{done.pk}/").content.decode()
    assert "Input problems" not in page
    assert "events.csv" not in page
    assert executive.get(f"/o/alpha/ehr/runs/{failed.pk}/").status_code == 404
    assert executive.get(f"/o/alpha/ehr/runs/{done.pk}/status/").status_code == 403
    assert executive.post(f"/o/alpha/ehr/runs/{done.pk}/remap/").status_code == 403
    analyst = login(cast.analyst)
    status = analyst.get(f"/o/alpha/ehr/runs/{done.pk}/status/", HTTP_HX_REQUEST="true")
    assert status.status_code == 200
    assert status["HX-Refresh"] == "true"
