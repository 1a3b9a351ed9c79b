"""Upload → background job → stored rows and per-unit results; bad input stores nothing."""

from __future__ import annotations

import html
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from clinwell.web.ehrburden.models import STAGES, EhrMetricRow, EhrRun
from clinwell.web.ehrburden.services.mapping import remap_run
from clinwell.web.ehrburden.services.report import unit_results
from clinwell.web.ehrburden.services.runs import _progress
from clinwell.web.orgs.models import Membership, Person
from tests.web.conftest import Cast
from tests.web.ehrburden.conftest import (
    CARDIOLOGY,
    UNMATCHED,
    LogFiles,
    truth_by_clinician,
    upload_form,
)

pytestmark = pytest.mark.django_db


def test_upload_computes_stores_and_shows_units(
    cast: Cast,
    roster: dict[str, str],
    audit_log: LogFiles,
    post_run: Callable[..., Any],
    ehr_dirs: dict[str, Path],
) -> None:
    response = post_run(cast.analyst, upload_form(audit_log))
    run = EhrRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/o/alpha/ehr/runs/{run.pk}/"
    assert run.status == EhrRun.Status.DONE, run.error
    assert run.stage_index == len(STAGES)
    truth = audit_log.log.truth("week")
    assert run.rows.count() == len(truth)
    assert run.clinicians == truth["clinician_id"].nunique()
    assert (run.matched, run.unmatched, run.ambiguous) == (len(roster), UNMATCHED, 0)
    assert run.parameters["idle_timeout"] == 300
    assert run.parameters["gap_rule"] == "drop"
    assert run.run_info["engine"] == "duckdb"
    assert run.inputs["events"]["name"] == "events.csv"
    assert not any(ehr_dirs["upload"].rglob("*.*")), "uploads are deleted when the run ends"
    stored = run.rows.get(clinician_id="C00001", period_start=truth["period_start"].iloc[0])
    first = truth.iloc[0]
    assert stored.ehr_hours == pytest.approx(first["ehr_hours"], abs=1e-9)
    assert stored.unit == cast.unit(cast.alpha, CARDIOLOGY)

    membership = Membership.objects.get(user=cast.analyst, organization=cast.alpha)
    report = unit_results(membership, run)
    per_clinician = truth_by_clinician(audit_log.log)
    published = [r for r in report.rows if not r.suppressed]
    assert any(r.path == CARDIOLOGY for r in published)
    for row in published:
        members = [c for c, p in roster.items() if row.path == "*" or p.startswith(row.path)]
        for key in ("ehr_time8", "wow8", "ib_time8"):
            est = row.values[key]
            assert est is not None
            assert est.n == len(members)
            assert est.estimate == pytest.approx(per_clinician.loc[members, key].mean(), rel=1e-9)


def test_run_page_shows_results_parameters_and_matching(
    cast: Cast,
    roster: dict[str, str],
    audit_log: LogFiles,
    post_run: Callable[..., Any],
    client: Any,
) -> None:
    post_run(cast.analyst, upload_form(audit_log))
    run = EhrRun.objects.get()
    html = client.get(f"/o/alpha/ehr/runs/{run.pk}/").content.decode()
    assert "Cardiology" in html
    assert f"<strong>{len(roster)}</strong> matched" in html
    assert "unmapped_action" in html  # the generator's deliberately unmapped action
    assert "Card One" not in html
    assert "c00001@alpha.example" not in html
    index = client.get("/o/alpha/ehr/").content.decode()
    assert "Cardiology" in index
    assert "Published benchmarks" in index
    assert "we could not verify" in index
    assert "Vendor active time" in index


def test_server_side_path_inside_the_import_directory(
    cast: Cast,
    roster: dict[str, str],
    audit_log: LogFiles,
    post_run: Callable[..., Any],
    ehr_dirs: dict[str, Path],
) -> None:
    folder = ehr_dirs["import"] / "alpha" / "march"
    folder.mkdir(parents=True)
    for name in ("events.parquet", "schedule.csv"):
        (folder / name).write_bytes(audit_log.path(name).read_bytes())
    data = upload_form(
        audit_log,
        source="server",
        events_path="march/events.parquet",
        schedule_path="march/schedule.csv",
    )
    data = {k: v for k, v in data.items() if not k.endswith("_file")}
    response = post_run(cast.owner, data)
    run = EhrRun.objects.get()
    assert response.status_code == 302
    assert run.status == EhrRun.Status.DONE, run.error
    assert run.source == EhrRun.Source.SERVER
    assert (folder / "events.parquet").exists(), "server files are not deleted"


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("../secret.csv", "leads outside the organization's import folder ('..' is not allowed)"),
        ("march/../../secret.csv", "('..' is not allowed)"),
        ("/etc/passwd", "absolute paths are not accepted"),
        ("missing.parquet", "'missing.parquet' is not in the organization's import folder"),
        ("beta/events.csv", "'beta/events.csv' is not in the organization's import folder"),
        ("../beta/events.csv", "('..' is not allowed)"),
    ],
)
def test_server_paths_outside_or_missing_are_refused(
    cast: Cast,
    audit_log: LogFiles,
    post_run: Callable[..., Any],
    path: str,
    why: str,
    ehr_dirs: dict[str, Path],
) -> None:
    own, other = ehr_dirs["import"] / "alpha", ehr_dirs["import"] / "beta"
    own.mkdir()
    other.mkdir()
    (own / "schedule.csv").write_bytes(audit_log.path("schedule.csv").read_bytes())
    (other / "events.csv").write_bytes(audit_log.path("events.csv").read_bytes())
    (ehr_dirs["import"] / "secret.csv").write_text("clinician_id,event_time,action\n")
    data = upload_form(audit_log, source="server", events_path=path, schedule_path="schedule.csv")
    data = {k: v for k, v in data.items() if not k.endswith("_file")}
    response = post_run(cast.analyst, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "events: " in page
    assert html.escape(why) in page
    assert str(ehr_dirs["import"]) not in page
    assert not EhrRun.objects.exists()


def test_an_organization_cannot_reach_another_organizations_files(
    cast: Cast,
    audit_log: LogFiles,
    post_run: Callable[..., Any],
    ehr_dirs: dict[str, Path],
) -> None:
    """Beta's extract in beta's folder: alpha cannot name it, nor link to it, nor list it."""
    own, other = ehr_dirs["import"] / "alpha", ehr_dirs["import"] / "beta"
    own.mkdir()
    other.mkdir()
    for name in ("events.parquet", "schedule.csv"):
        (other / name).write_bytes(audit_log.path(name).read_bytes())
    (own / "events.parquet").symlink_to(other / "events.parquet")
    (own / "linked").symlink_to(other)
    (own / "schedule.csv").write_bytes(audit_log.path("schedule.csv").read_bytes())
    for events in ("events.parquet", "linked/events.parquet", "linked"):
        data = upload_form(
            audit_log, source="server", events_path=events, schedule_path="schedule.csv"
        )
        data = {k: v for k, v in data.items() if not k.endswith("_file")}
        response = post_run(cast.owner, data)
        assert response.status_code == 400, events
        assert "a symbolic link to elsewhere is refused" in response.content.decode(), events
    assert not EhrRun.objects.exists()
    # the form lists alpha's own file only, and names no server path
    client = Client()
    client.force_login(cast.owner)
    page = client.get("/o/alpha/ehr/new/").content.decode()
    assert "1 file in the organization's import folder" in page
    assert "<code>schedule.csv</code>" in page
    assert "<li><code>events.parquet</code>" not in page
    assert "linked/" not in page
    assert str(ehr_dirs["import"]) not in page
    # beta's own administrator runs on beta's files
    data = upload_form(
        audit_log, source="server", events_path="events.parquet", schedule_path="schedule.csv"
    )
    data = {k: v for k, v in data.items() if not k.endswith("_file")}
    assert post_run(cast.outsider, data, org="beta").status_code == 302
    assert EhrRun.objects.get().organization == cast.beta


def test_a_link_swapped_in_after_the_form_is_refused_when_the_run_starts(
    cast: Cast,
    audit_log: LogFiles,
    ehr_dirs: dict[str, Path],
) -> None:
    from clinwell.ehr.params import MetricParams
    from clinwell.web.ehrburden.services.inputs import resolve_server_paths
    from clinwell.web.ehrburden.services.runs import create_run, execute_run

    own, other = ehr_dirs["import"] / "alpha", ehr_dirs["import"] / "beta"
    own.mkdir()
    other.mkdir()
    (own / "march").mkdir()
    for name in ("events.parquet", "schedule.csv"):
        (own / "march" / name).write_bytes(audit_log.path(name).read_bytes())
        (other / name).write_bytes(audit_log.path(name).read_bytes())
    inputs = resolve_server_paths(
        "alpha", {"events": "march/events.parquet", "schedule": "march/schedule.csv"}
    )
    membership = Membership.objects.get(user=cast.owner, organization=cast.alpha)
    run = create_run(membership, cast.owner, inputs, MetricParams(), EhrRun.Source.SERVER)
    shutil.rmtree(own / "march")
    (own / "march").symlink_to(other)
    assert execute_run(run.pk) == EhrRun.Status.FAILED
    run.refresh_from_db()
    assert "leads outside the organization's import folder" in run.error
    assert str(ehr_dirs["import"]) not in run.error


def test_the_new_run_page_shows_no_server_path(
    cast: Cast, ehr_dirs: dict[str, Path], settings: Any
) -> None:
    client = Client()
    client.force_login(cast.owner)
    page = client.get("/o/alpha/ehr/new/").content.decode()
    assert "The organization's import folder has no CSV or Parquet files yet." in page
    for secret in (str(ehr_dirs["import"]), str(settings.VAR_DIR), "CLINWELL_EHR_IMPORT_DIR"):
        assert secret not in page


def test_missing_column_fails_clearly_and_stores_nothing(
    cast: Cast,
    roster: dict[str, str],
    audit_log: LogFiles,
    post_run: Callable[..., Any],
    tmp_path: Path,
    ehr_dirs: dict[str, Path],
) -> None:
    bad = tmp_path / "my-events.csv"
    bad.write_text("clinician_id,event_time\nC00001,2024-01-01 08:00:00\n")
    response = post_run(cast.analyst, upload_form(audit_log, events_file=bad.open("rb")))
    run = EhrRun.objects.get()
    assert response.status_code == 302
    assert run.status == EhrRun.Status.FAILED
    assert "my-events.csv" in run.error
    assert "action" in run.error
    assert str(ehr_dirs["upload"]) not in run.error, "server paths are not shown"
    assert run.problems[0]["kind"] == "missing_columns"
    assert EhrMetricRow.objects.count() == 0
    assert not any(ehr_dirs["upload"].rglob("*.*"))


def test_strict_mode_stops_at_a_bad_timestamp_lenient_reports_it(
    cast: Cast,
    roster: dict[str, str],
    audit_log: LogFiles,
    post_run: Callable[..., Any],
    tmp_path: Path,
    client: Any,
) -> None:
    events = audit_log.log.events.copy()
    events["event_time"] = events["event_time"].astype(str)
    events.loc[5, "event_time"] = "yesterday at noon"
    bad = tmp_path / "events.csv"
    events.to_csv(bad, index=False)

    post_run(cast.analyst, upload_form(audit_log, events_file=bad.open("rb"), strict="on"))
    strict = EhrRun.objects.get()
    assert strict.status == EhrRun.Status.FAILED
    assert strict.problems[0]["kind"] == "unparseable_timestamp"
    assert strict.problems[0]["count"] == 1
    assert "yesterday at noon" in str(strict.problems[0]["examples"])
    assert not strict.rows.exists()
    html = client.get(f"/o/alpha/ehr/runs/{strict.pk}/").content.decode()
    assert "Nothing was stored" in html
    assert "yesterday at noon" in html

    post_run(cast.analyst, upload_form(audit_log, events_file=bad.open("rb")))
    lenient = EhrRun.objects.exclude(pk=strict.pk).get()
    assert lenient.status == EhrRun.Status.DONE
    problem = next(p for p in lenient.problems if p["kind"] == "unparseable_timestamp")
    assert problem["count"] == 1
    assert problem["excluded"] is True


def test_a_file_that_is_not_csv_or_parquet_is_refused(
    cast: Cast, audit_log: LogFiles, post_run: Callable[..., Any], tmp_path: Path
) -> None:
    bad = tmp_path / "events.xlsx"
    bad.write_bytes(b"PK\x03\x04")
    response = post_run(cast.analyst, upload_form(audit_log, events_file=bad.open("rb")))
    assert response.status_code == 400
    assert "not a CSV or Parquet file" in response.content.decode()
    assert not EhrRun.objects.exists()


def test_schedule_is_required(
    cast: Cast, audit_log: LogFiles, post_run: Callable[..., Any]
) -> None:
    data = upload_form(audit_log)
    del data["schedule_file"]
    response = post_run(cast.analyst, data)
    assert response.status_code == 400
    assert "The schedule file is required" in response.content.decode()
    assert not EhrRun.objects.exists()


def test_bad_parameter_is_named(
    cast: Cast, audit_log: LogFiles, post_run: Callable[..., Any]
) -> None:
    data = upload_form(audit_log, wow_mode="clock", clock_start="18:00", clock_end="08:00")
    response = post_run(cast.analyst, data)
    assert response.status_code == 400
    assert "clock_end" in response.content.decode()
    assert not EhrRun.objects.exists()


def test_progress_stages_follow_the_engine_callback(cast: Cast) -> None:
    run = EhrRun.objects.create(organization=cast.alpha, source=EhrRun.Source.UPLOAD)
    _progress(run, "Computing active time and WOW on duckdb")
    run.refresh_from_db()
    assert run.stage == "Computing active time and WOW on duckdb"
    assert run.stage_index == STAGES.index("Computing active time and WOW")
    assert 0 < run.percent < 100


def test_map_again_follows_roster_changes(
    cast: Cast,
    roster: dict[str, str],
    audit_log: LogFiles,
    post_run: Callable[..., Any],
    client: Any,
) -> None:
    post_run(cast.analyst, upload_form(audit_log))
    run = EhrRun.objects.get()
    Person.objects.filter(external_id="C00001").update(external_id="")
    Person.objects.filter(external_id="C00002").update(
        unit=cast.unit(cast.alpha, "Alpha Health/Site A/Surgery")
    )
    Person.objects.create(
        organization=cast.alpha,
        email="dup@alpha.example",
        role="nurse",
        external_id="C00003",
        unit=cast.unit(cast.alpha, "Alpha Health/Site B/Pediatrics"),
    )
    response = client.post(f"/o/alpha/ehr/runs/{run.pk}/remap/")
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.matched, run.unmatched, run.ambiguous) == (len(roster) - 2, UNMATCHED + 1, 1)
    assert not run.rows.filter(clinician_id__in=["C00001", "C00003"], unit__isnull=False).exists()
    assert set(
        run.rows.filter(clinician_id="C00002").values_list("unit__full_name", flat=True)
    ) == {"Alpha Health/Site A/Surgery"}
    assert remap_run(run).matched == len(roster) - 2
