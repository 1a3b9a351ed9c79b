"""plan_progress() for the executive overview, and its partial template."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.template.loader import render_to_string
from django.test import Client

from clinwell.web.accounts.models import User
from clinwell.web.actions.services import add_milestone, set_milestone_done
from clinwell.web.dashboard.presenters import plan_progress
from tests.web.actions.conftest import CARDIOLOGY, PEDIATRICS, SURGERY, make_plan, membership
from tests.web.conftest import Cast

TODAY = date(2026, 1, 15)


def test_counts_overdue_and_progress(cast: Cast) -> None:
    admin = membership(cast.owner, cast.alpha)
    late = make_plan(cast, CARDIOLOGY, title="Late", due_on=date(2025, 12, 1), status="in_progress")
    make_plan(cast, SURGERY, title="Done", due_on=date(2025, 12, 1), status="done")
    make_plan(cast, PEDIATRICS, title="Fresh", due_on=date(2026, 6, 1))
    for title in ("a", "b", "c", "d"):
        add_milestone(admin, late, title)
    for m in late.milestones.all()[:3]:
        set_milestone_done(admin, late, m.pk, True)

    progress = plan_progress(admin, today=TODAY)
    counts = {s["status"]: s["count"] for s in progress["by_status"]}
    assert counts == {"proposed": 1, "in_progress": 1, "done": 1, "abandoned": 0}
    assert progress["total"] == 3
    assert progress["open"] == 2
    assert progress["overdue"] == 1
    rows = {r["plan"].title: r for r in progress["plans"]}
    assert set(rows) == {"Late", "Fresh"}  # only open plans are listed
    assert rows["Late"]["percent"] == 75
    assert rows["Late"]["overdue"] is True
    assert rows["Fresh"]["percent"] == 0

    leader = plan_progress(membership(cast.leader, cast.alpha), today=TODAY)
    assert leader["total"] == 1

    html = render_to_string("dashboard/_plan_progress.html", {"progress": progress})
    assert "Late" in html
    assert 'value="75"' in html
    assert f"/o/alpha/actions/{late.pk}/" in html


def test_the_executive_overview_page_shows_the_plan_progress_panel(
    cast: Cast, login: Callable[[User], Client]
) -> None:
    make_plan(cast, CARDIOLOGY, title="Scribes for cardiology", status="in_progress")
    response = login(cast.executive).get("/o/alpha/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<section class="panel plan-progress" aria-labelledby="plan-progress-h">' in body
    assert '<h2 id="plan-progress-h">Action plans</h2>' in body
    assert "Scribes for cardiology" in body
    assert response.context["plan_progress"]["total"] == 1
