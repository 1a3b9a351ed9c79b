"""Deleting what an organization's retention policy says has expired (daily task).

- Raw responses of a wave closed more than ``raw_response_years`` ago: the wave's release
  is frozen first (:func:`clinwell.web.results.services.cache.freeze`), so every result
  page, export and trend reads the same numbers after the answers are gone.
- EHR runs older than ``ehr_run_days`` (their metric rows go with them).
- Roster people inactive and unchanged for ``inactive_person_days``, unless something still
  points at them.

Each deletion is one audit entry (action ``retention``) with the counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from clinwell.web.audit.services import record
from clinwell.web.ehrburden.models import EhrRun
from clinwell.web.governance.models import RetentionPolicy
from clinwell.web.orgs.models import Organization, Person
from clinwell.web.results.services.cache import freeze
from clinwell.web.surveys.models import Response, Wave


@dataclass
class RetentionReport:
    responses: int = 0
    waves: list[int] = field(default_factory=list)
    ehr_runs: int = 0
    people: int = 0


def policy_of(organization: Organization) -> RetentionPolicy:
    found = RetentionPolicy.objects.filter(organization=organization).first()
    return found or RetentionPolicy(organization=organization)


def _years_ago(now: dt.datetime, years: int) -> dt.datetime:
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def apply_to(organization: Organization, now: dt.datetime | None = None) -> RetentionReport:
    moment = now or timezone.now()
    policy = policy_of(organization)
    report = RetentionReport()
    old_waves = Wave.objects.filter(
        organization=organization,
        status=Wave.Status.CLOSED,
        closes_at__lt=_years_ago(moment, policy.raw_response_years),
    )
    for wave in old_waves:
        if not Response.objects.filter(wave=wave).exists():
            continue
        with transaction.atomic():
            freeze(wave)
            deleted, _ = Response.objects.filter(wave=wave).delete()
        report.responses += deleted
        report.waves.append(wave.pk)
    runs = EhrRun.objects.filter(
        organization=organization,
        created_at__lt=moment - dt.timedelta(days=policy.ehr_run_days),
    )
    report.ehr_runs = runs.count()
    runs.delete()
    stale = Person.objects.filter(
        organization=organization,
        active=False,
        updated_at__lt=moment - dt.timedelta(days=policy.inactive_person_days),
    )
    for person in stale:
        try:
            with transaction.atomic():
                person.delete()
        except ProtectedError:
            continue  # still referenced (an open wave's invitation): next time
        report.people += 1
    if report.responses or report.ehr_runs or report.people:
        record(
            "retention",
            organization_id=organization.pk,
            organization_slug=organization.slug,
            summary=(
                f"Retention deleted {report.responses} raw responses of "
                f"{len(report.waves)} waves, {report.ehr_runs} EHR runs and "
                f"{report.people} inactive roster people"
            ),
            detail={
                "responses": report.responses,
                "waves": report.waves,
                "ehr_runs": report.ehr_runs,
                "people": report.people,
                "policy": {
                    "raw_response_years": policy.raw_response_years,
                    "ehr_run_days": policy.ehr_run_days,
                    "inactive_person_days": policy.inactive_person_days,
                },
            },
        )
    return report


def apply_retention_everywhere(now: dt.datetime | None = None) -> dict[str, RetentionReport]:
    return {org.slug: apply_to(org, now) for org in Organization.objects.order_by("pk")}
