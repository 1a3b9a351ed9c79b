"""Background tasks of the surveys app (run by the worker `clinwell serve` supervises; the
time-driven ones are enqueued by the schedule, ``clinwell manage run_schedule``)."""

from __future__ import annotations

from django_tasks import task

from clinwell.web.surveys.services import lifecycle, reminders


@task()
def close_due_waves() -> int:
    """Close every wave whose end time has passed (scheduled every minute)."""
    return lifecycle.close_due_waves()


@task()
def send_due_reminders() -> int:
    """Send the reminders whose day has come (scheduled every five minutes)."""
    return reminders.send_due_reminders()
