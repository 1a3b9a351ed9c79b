"""The wave lifecycle runs on the schedule: nothing waits for someone to open a page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from clinwell.web.results.models import PublishedCell, WaveResult
from clinwell.web.schedule import Scheduler
from clinwell.web.surveys.models import Wave
from clinwell.web.surveys.services.lifecycle import is_accepting
from tests.web.conftest import Cast
from tests.web.surveys.conftest import GOOD_ANSWERS, make_wave, token_for

EMAILS = ["card1", "card2", "med1", "surg1", "peds1"]
CLOSE = "clinwell.web.surveys.tasks.close_due_waves"


def test_a_wave_past_its_end_is_closed_and_its_results_computed_without_a_request(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    wave = make_wave(cast)
    for name in EMAILS:
        Client().post(f"/s/{token_for(wave, f'{name}@alpha.example')}/", GOOD_ANSWERS)
    Wave.objects.filter(pk=wave.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert not WaveResult.objects.filter(wave=wave).exists()

    scheduler = Scheduler()
    with django_capture_on_commit_callbacks(execute=True):
        assert CLOSE in scheduler.tick(now=0.0)

    wave.refresh_from_db()
    assert wave.status == Wave.Status.CLOSED
    result = WaveResult.objects.get(wave=wave)  # computed by the task the close queued
    organization = PublishedCell.objects.get(wave=wave, unit__isnull=True, group="")
    assert organization.n == len(EMAILS)
    assert result.fingerprint


def test_the_schedule_enqueues_each_task_once_per_interval() -> None:
    scheduler = Scheduler([(60, CLOSE)])
    assert scheduler.tick(now=0.0) == [CLOSE]
    assert scheduler.tick(now=30.0) == []
    assert scheduler.tick(now=60.0) == [CLOSE]


def test_accepting_is_a_pure_reading_of_the_window(cast: Cast) -> None:
    wave = make_wave(cast)
    now = timezone.now()
    assert is_accepting(wave, now)
    assert not is_accepting(wave, wave.closes_at)
    assert not is_accepting(wave, wave.opens_at - timedelta(seconds=1))
    wave.refresh_from_db()
    assert wave.status == Wave.Status.OPEN  # reading never closed it
