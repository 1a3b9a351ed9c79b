"""Reminders to non-responders on dates the administrator chose, sent by the scheduled worker.

The schedule (``settings.CLINWELL_SCHEDULE``) enqueues :func:`send_due_reminders` every few
minutes; a reminder is due from :data:`REMINDER_HOUR` o'clock of its day in the wave's time
zone. It goes only to invitations that were sent and have not responded, and only while the
wave is open: closing a wave deletes who was invited and who responded, so no reminder can
be sent after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from clinwell.web.surveys.models import MailJob, ScheduledReminder, Wave
from clinwell.web.surveys.services import mail as mail_service

REMINDER_HOUR = 9
MAX_REMINDERS = 5


class ReminderError(ValueError):
    pass


def set_reminder_dates(wave: Wave, dates: Iterable[date]) -> list[ScheduledReminder]:
    """Replace the wave's reminders not yet sent by ``dates`` (checked first, all or nothing)."""
    if wave.status == Wave.Status.CLOSED:
        raise ReminderError("a closed wave sends no more reminders")
    zone = ZoneInfo(wave.time_zone)
    first = wave.opens_at.astimezone(zone).date()
    last = wave.closes_at.astimezone(zone).date()
    today = timezone.localdate(timezone=zone)
    done = set(
        wave.scheduled_reminders.filter(done_at__isnull=False).values_list("send_on", flat=True)
    )
    wanted = sorted(set(dates) - done)
    if len(wanted) + len(done) > MAX_REMINDERS:
        raise ReminderError(f"at most {MAX_REMINDERS} reminders per wave")
    for day in wanted:
        if not first < day <= last:
            raise ReminderError(
                f"{day:%d %b %Y} is outside the wave: reminders go after it opens"
                f" ({first:%d %b %Y}) and by the day it closes ({last:%d %b %Y})"
            )
        if day < today:
            raise ReminderError(f"{day:%d %b %Y} has already passed")
    with transaction.atomic():
        wave.scheduled_reminders.filter(done_at__isnull=True).delete()
        ScheduledReminder.objects.bulk_create(
            ScheduledReminder(wave=wave, send_on=day) for day in wanted
        )
    return list(wave.scheduled_reminders.all())


def _due(reminder: ScheduledReminder, now: datetime) -> bool:
    local = now.astimezone(ZoneInfo(reminder.wave.time_zone))
    return local.date() > reminder.send_on or (
        local.date() == reminder.send_on and local.hour >= REMINDER_HOUR
    )


def send_due_reminders(now: datetime | None = None) -> int:
    """Start the reminder e-mails of every open wave whose reminder is due; how many started."""
    moment = now or timezone.now()
    started = 0
    pending = ScheduledReminder.objects.filter(
        done_at__isnull=True, wave__status=Wave.Status.OPEN
    ).select_related("wave", "wave__organization")
    for reminder in pending:
        wave = reminder.wave
        if not _due(reminder, moment) or moment >= wave.closes_at:
            continue
        busy = wave.mail_jobs.filter(
            status__in=[MailJob.Status.QUEUED, MailJob.Status.RUNNING]
        ).exists()
        if busy:
            continue  # a batch is still going out: try on the next tick
        claimed = ScheduledReminder.objects.filter(pk=reminder.pk, done_at__isnull=True).update(
            done_at=moment
        )
        if not claimed:
            continue  # another worker took it
        try:
            job = mail_service.start_mail_job(wave, MailJob.Kind.REMIND)
        except mail_service.MailError:
            count = 0  # everyone has answered (or nobody was reached): nothing to send
        else:
            count = job.total
            started += 1
        ScheduledReminder.objects.filter(pk=reminder.pk).update(sent=count)
    return started


def parse_dates(values: Iterable[str]) -> list[date]:
    """Dates from the form (``YYYY-MM-DD``; blanks ignored); :class:`ReminderError` if invalid."""
    out = []
    for raw in values:
        text = raw.strip()
        if not text:
            continue
        try:
            out.append(date.fromisoformat(text))
        except ValueError:
            raise ReminderError(f"{text!r} is not a date (YYYY-MM-DD)") from None
    return out


def reminder_rows(wave: Wave) -> list[ScheduledReminder]:
    return list(wave.scheduled_reminders.all())
