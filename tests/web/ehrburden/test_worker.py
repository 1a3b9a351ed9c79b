"""EHR runs as background jobs on the database queue (django-tasks-db), as deployed: the run
page shows the queued run and keeps polling; one worker pass computes it; the page then shows
the results. (The rest of the suite runs tasks immediately, inside the request.)"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from clinwell.web.ehrburden.models import EhrRun
from tests.web.conftest import Cast
from tests.web.ehrburden.conftest import LogFiles, upload_form

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


@pytest.fixture
def database_queue(settings: Any) -> None:
    """Queue tasks in the database, as production and the demo do."""
    settings.TASKS = {"default": {"BACKEND": DATABASE_BACKEND}}


def _one_worker_pass() -> None:
    """What `clinwell manage db_worker --batch` does: run every queued task, then exit."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command(
            "db_worker",
            batch=True,
            startup_delay=False,
            reload=False,
            verbosity=0,
            stdout=io.StringIO(),
        )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


# Transactional: the worker checks its connection like a long-running process does
# (close_old_connections), which drops a connection left inside a test's wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_queued_run_shows_progress_until_a_worker_computes_it(
    database_queue: None,
    cast: Cast,
    roster: dict[str, str],
    audit_log: LogFiles,
    post_run: Callable[..., Any],
    client: Any,
    ehr_dirs: dict[str, Path],
) -> None:
    response = post_run(cast.analyst, upload_form(audit_log))
    run = EhrRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/o/alpha/ehr/runs/{run.pk}/"
    # The request only queued the run: nothing was computed inside it.
    assert run.status == EhrRun.Status.QUEUED
    assert run.rows.count() == 0
    assert DBTaskResult.objects.filter(task_path__endswith="compute_ehr_run").count() == 1

    page = client.get(response["Location"]).content.decode()
    assert "The run has started" in page
    assert "Waiting for a worker to pick up the run." in page
    status_url = f"/o/alpha/ehr/runs/{run.pk}/status/"
    assert f'hx-get="{status_url}" hx-trigger="every 2s"' in page  # polls itself
    assert "vendor/htmx-2.0.11" in page  # htmx, served locally
    assert "Roster matching" not in page
    polled = client.get(status_url, headers={"HX-Request": "true"})
    assert "Queued" in polled.content.decode()
    assert "HX-Refresh" not in polled  # still waiting: keep polling

    _one_worker_pass()

    run.refresh_from_db()
    assert run.status == EhrRun.Status.DONE, run.error
    assert run.rows.count() == len(audit_log.log.truth("week"))
    assert not any(ehr_dirs["upload"].rglob("*.*")), "uploads are deleted when the run ends"
    task = DBTaskResult.objects.get()
    assert task.status == "SUCCESSFUL"
    polled = client.get(status_url, headers={"HX-Request": "true"})
    assert polled["HX-Refresh"] == "true"  # done: the page reloads itself to show the results
    page = client.get(f"/o/alpha/ehr/runs/{run.pk}/").content.decode()
    assert "hx-trigger" not in page
    assert "Roster matching" in page
    assert f"<strong>{len(roster)}</strong> matched" in page
    assert "Cardiology" in page


def test_database_queue_is_the_default_outside_tests(tmp_path: Path) -> None:
    """Production and the demo queue work in the database; pytest keeps immediate tasks."""
    code = "from clinwell.web import settings; print(settings.TASKS['default']['BACKEND'])"
    base = {k: v for k, v in os.environ.items() if k not in ("TASKS_BACKEND", "DATABASE_URL")}
    base.update({"CLINWELL_VAR_DIR": str(tmp_path), "CLINWELL_ENV": "demo"})
    outside = {k: v for k, v in base.items() if k != "PYTEST_VERSION"}
    for env, expected in (
        (outside, DATABASE_BACKEND),
        (
            {**outside, "CLINWELL_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "a"},
            DATABASE_BACKEND,
        ),
        ({**base, "PYTEST_VERSION": "9"}, "django_tasks.backends.immediate.ImmediateBackend"),
    ):
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == expected
