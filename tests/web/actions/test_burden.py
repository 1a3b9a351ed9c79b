"""The administrative-burden report: through the gate, scoped by role, exportable as PDF."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from clinwell.web.accounts.models import User
from clinwell.web.actions.burden import burden_report
from clinwell.web.results.services.cache import results_for
from tests.web.actions.conftest import (
    CARDIOLOGY,
    MEDICINE,
    PEDIATRICS,
    SURGERY,
    closed_wave,
    membership,
    respond,
)
from tests.web.conftest import Cast

Login = Callable[[User], Client]
PA = "admin_burden.prior_auth_per_week"


@pytest.fixture
def wave(cast: Cast):
    wave = closed_wave(cast.alpha, "Spring", date(2025, 3, 3), date(2025, 3, 24), ["admin_burden"])
    respond(wave, cast.unit(cast.alpha, CARDIOLOGY), PA, [10, 20, 30, 40, 50])
    respond(wave, cast.unit(cast.alpha, SURGERY), PA, [5, 5, 5, 5, 5, 5])
    respond(wave, cast.unit(cast.alpha, PEDIATRICS), PA, [1, 2])  # too small
    return wave


def _row(report, path: str):
    return next(r for r in report.rows if r.path == path)


def test_means_pass_the_gate(cast: Cast, wave) -> None:
    report = burden_report(membership(cast.owner, cast.alpha), wave)
    first = report.columns.index(next(c for c in report.columns if c.column == PA))
    cardiology = _row(report, CARDIOLOGY)
    assert cardiology.values[first].estimate == pytest.approx(30.0)
    assert cardiology.n == 5
    assert _row(report, "Alpha Health/Site B/Pediatrics").suppressed
    # Pediatrics (2) is the only child of Site B: Site B must go too, or it would reveal it
    assert _row(report, "Alpha Health/Site B").suppressed
    # ... and the whole organization minus Site A would reveal it as well
    assert _row(report, "Alpha Health").suppressed or _row(report, "Alpha Health/Site A").suppressed
    # a single root unit is the whole organization: it is not listed twice
    assert "*" not in {r.path for r in report.rows}


def test_leaders_see_only_their_subtree(cast: Cast, wave) -> None:
    report = burden_report(membership(cast.leader, cast.alpha), wave)
    assert {r.path for r in report.rows} == {MEDICINE, CARDIOLOGY}


def test_the_page_and_the_pdf(cast: Cast, wave, login: Login) -> None:
    client = login(cast.analyst)
    page = client.get("/o/alpha/actions/burden/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Prior authorizations per week" in text
    assert "30.00" in text
    assert "we could not verify this figure" in text  # national context records unconfirmed
    assert "NOT CONFIRMED" not in text
    pdf = client.get(f"/o/alpha/actions/burden.pdf?wave={wave.pk}")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_without_data_the_page_explains(cast: Cast, login: Login) -> None:
    page = login(cast.owner).get("/o/alpha/actions/burden/")
    assert page.status_code == 200
    assert "No administrative-burden data yet" in page.content.decode()


def test_other_tenants_get_404(cast: Cast, wave, login: Login) -> None:
    assert login(cast.outsider).get("/o/alpha/actions/burden/").status_code == 404


def test_the_report_publishes_exactly_what_the_results_pages_publish(cast: Cast, wave) -> None:
    report = burden_report(membership(cast.owner, cast.alpha), wave)
    released = {
        ("*" if c.unit is None else c.unit.full_name): (c.suppressed, c.n)
        for c in results_for(wave).cells(None)
    }
    shown = {r.path: (r.suppressed, r.n) for r in report.rows}
    assert shown
    assert all(released[path] == value for path, value in shown.items())
