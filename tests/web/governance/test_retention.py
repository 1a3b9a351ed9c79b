"""Retention: expired raw answers, EHR runs and inactive roster people are deleted daily;
released results stay identical."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from clinwell.web.accounts.models import User
from clinwell.web.audit.models import AuditEntry, chain_name
from clinwell.web.governance.models import RetentionPolicy
from clinwell.web.governance.services.retention import apply_to
from clinwell.web.governance.tasks import apply_retention
from clinwell.web.orgs.models import Person
from clinwell.web.results.models import PublishedCell
from clinwell.web.schedule import Scheduler
from clinwell.web.surveys.models import Response, Wave
from tests.web.conftest import Cast
from tests.web.results.conftest import CLEAN_SIZES, add_responses, closed_wave


def _old_wave(cast: Cast, years: float) -> Wave:
    wave = closed_wave(cast.alpha, "Old wave", 5)
    for i, (path, n) in enumerate(CLEAN_SIZES.items()):
        add_responses(wave, cast.unit(cast.alpha, path), n, 700 + i)
    Wave.objects.filter(pk=wave.pk).update(
        closes_at=timezone.now() - timedelta(days=int(365.25 * years))
    )
    wave.refresh_from_db()
    return wave


def _cells(wave: Wave) -> list[tuple[object, ...]]:
    return sorted(
        PublishedCell.objects.filter(wave=wave).values_list("unit_id", "n", "estimates"),
        key=lambda row: row[0] or 0,
    )


def test_old_raw_answers_go_and_the_results_pages_stay_identical(
    cast: Cast, login: Callable[[User], Client]
) -> None:
    wave = _old_wave(cast, 6)
    client = login(cast.owner)
    before_page = client.get(f"/o/alpha/results/?wave={wave.pk}").content.decode()
    before_csv = client.get(f"/o/alpha/results/export.csv?wave={wave.pk}").content
    before_cells = _cells(wave)
    assert before_cells

    report = apply_to(cast.alpha)

    assert report.responses == sum(CLEAN_SIZES.values())
    assert not Response.objects.filter(wave=wave).exists()
    assert _cells(wave) == before_cells
    assert client.get(f"/o/alpha/results/export.csv?wave={wave.pk}").content == before_csv
    after_page = client.get(f"/o/alpha/results/?wave={wave.pk}").content.decode()
    # the page's main content (the header's menu carries a per-request CSRF token)
    assert after_page.split("<main", 1)[1] == before_page.split("<main", 1)[1]
    entry = AuditEntry.objects.filter(chain=chain_name(cast.alpha.pk), action="retention").get()
    assert entry.detail["responses"] == report.responses
    assert entry.detail["waves"] == [wave.pk]


def test_recent_answers_are_kept_and_the_policy_is_per_organization(cast: Cast) -> None:
    wave = _old_wave(cast, 3)
    assert apply_to(cast.alpha).responses == 0
    RetentionPolicy.objects.create(organization=cast.alpha, raw_response_years=2)
    assert apply_to(cast.alpha).responses == sum(CLEAN_SIZES.values())
    assert not Response.objects.filter(wave=wave).exists()


def test_inactive_roster_people_go_after_a_year(cast: Cast) -> None:
    person = cast.person("peds1@alpha.example")
    Person.objects.filter(pk=person.pk).update(
        active=False, updated_at=timezone.now() - timedelta(days=366)
    )
    Person.objects.filter(email="surg1@alpha.example").update(
        active=False, updated_at=timezone.now() - timedelta(days=100)
    )
    assert apply_to(cast.alpha).people == 1
    assert not Person.objects.filter(pk=person.pk).exists()
    assert Person.objects.filter(email="surg1@alpha.example").exists()


def test_nothing_expired_writes_no_audit_entry(cast: Cast) -> None:
    apply_retention.call()
    assert not AuditEntry.objects.filter(action="retention").exists()


def test_retention_is_scheduled_daily() -> None:
    daily = [e for e in Scheduler().entries if e.path.endswith("apply_retention")]
    assert [e.seconds for e in daily] == [86400.0]
