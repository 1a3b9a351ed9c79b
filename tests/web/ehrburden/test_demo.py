"""The demo organization has a synthetic audit log, computed through the upload service."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from django.test import Client

from clinwell.web.accounts.models import User
from clinwell.web.consortium.demo import CONSORTIUM_SLUG
from clinwell.web.consortium.models import Consortium
from clinwell.web.demo import DEMO_SLUG, load_demo
from clinwell.web.ehrburden.models import EhrRun
from clinwell.web.ehrburden.services.chart import chart_spec
from clinwell.web.ehrburden.services.report import unit_results
from clinwell.web.orgs.models import Membership, Organization, Person
from clinwell.web.orgs.services.organizations import delete_organization

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[EhrRun]:
    with django_db_blocker.unblock():
        load_demo(lambda _message: None)
        runs = EhrRun.objects.filter(organization__slug=DEMO_SLUG).order_by("-pk")
        assert runs.count() == 2  # the earlier and the latest eight weeks (a trend)
        yield runs[0]
        delete_organization(Organization.objects.get(slug=DEMO_SLUG))
        Consortium.objects.filter(slug=CONSORTIUM_SLUG).delete()  # the demo's consortium too
        User.objects.filter(email__endswith="@demo.clinwell.org").delete()


def test_the_demo_run_maps_the_roster(demo: EhrRun) -> None:
    assert demo.status == EhrRun.Status.DONE, demo.error
    assert demo.source == EhrRun.Source.DEMO
    prescribers = Person.objects.filter(
        organization=demo.organization, role__in=["physician", "app"], active=True
    ).exclude(external_id="")
    assert demo.matched == prescribers.count()
    assert demo.unmatched > 0
    assert (
        demo.rows.filter(unit__isnull=False).values("clinician_id").distinct().count()
        == demo.matched
    )
    assert demo.first_period is not None
    assert demo.last_period is not None
    assert (demo.last_period - demo.first_period).days >= 7 * 7


def test_the_demo_page_shows_units_beside_burnout(demo: EhrRun) -> None:
    admin = User.objects.get(email="admin@demo.clinwell.org")
    report = unit_results(Membership.objects.get(user=admin, organization=demo.organization), demo)
    shown = [r for r in report.rows if not r.suppressed]
    assert len(shown) >= 5
    assert any(r.suppressed for r in report.rows)
    assert report.wave is not None
    chart = chart_spec(report.rows)
    assert chart is not None
    points = chart["data"]["values"]
    units = [p for p in points if p["level"] == "Unit"]
    assert len(units) >= 3
    # The demo plants more outside-session work where burnout is higher.
    r = np.corrcoef([p["burnout_pct"] for p in points], [p["wow8"] for p in points])[0, 1]
    assert r > 0
    client = Client()
    client.force_login(admin)
    html = client.get(f"/o/{DEMO_SLUG}/ehr/").content.decode()
    assert 'id="ehr-chart-spec"' in html
    assert "Chart data as a table" in html
