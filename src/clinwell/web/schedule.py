"""Time-driven work: tasks enqueued on the task queue at fixed intervals.

``settings.CLINWELL_SCHEDULE`` lists ``(seconds, dotted path of a django-tasks task)``. The
scheduler process (``clinwell manage run_schedule``, started and supervised by ``clinwell
serve`` and ``clinwell demo`` beside the task worker) enqueues each task when its interval
has passed — never a second copy while the previous one is still queued or running — and
the task worker runs it. Nothing time-driven depends on someone opening a page.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django_tasks.base import TaskResult

log = logging.getLogger(__name__)


@dataclass
class Entry:
    """One scheduled task and when it was last enqueued."""

    seconds: float
    path: str
    last: float | None = None
    pending: TaskResult[Any] | None = field(default=None, repr=False)

    def due(self, now: float) -> bool:
        return self.last is None or now - self.last >= self.seconds

    def busy(self) -> bool:
        """Is the copy enqueued last time still waiting or running?"""
        if self.pending is None or self.pending.is_finished:
            return False
        try:
            self.pending.refresh()
        except Exception:  # a backend that cannot look results up: assume it finished
            return False
        return not self.pending.is_finished


class Scheduler:
    """Enqueues the scheduled tasks that are due; :meth:`tick` is one pass."""

    def __init__(self, schedule: list[tuple[float, str]] | None = None) -> None:
        entries = settings.CLINWELL_SCHEDULE if schedule is None else schedule
        self.entries = [Entry(float(seconds), path) for seconds, path in entries]

    def tick(self, now: float | None = None) -> list[str]:
        """Enqueue every due entry that is not still busy; the paths enqueued."""
        moment = time.monotonic() if now is None else now
        enqueued = []
        for entry in self.entries:
            if not entry.due(moment) or entry.busy():
                continue
            entry.pending = import_string(entry.path).enqueue()
            entry.last = moment
            enqueued.append(entry.path)
        return enqueued

    def run_forever(self, sleep: Callable[[float], None] = time.sleep, poll: float = 5.0) -> None:
        while True:
            try:
                for path in self.tick():
                    log.info("enqueued %s", path)
            except Exception:  # the database may be restarting: try again next poll
                log.exception("scheduler pass failed")
            sleep(poll)
