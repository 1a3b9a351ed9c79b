"""``clinwell manage run_schedule``: enqueue time-driven tasks (see clinwell.web.schedule)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from clinwell.web.schedule import Scheduler


class Command(BaseCommand):
    help = "Enqueue the scheduled background tasks (closing due waves, ...) as they fall due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        scheduler = Scheduler()
        if once:
            for path in scheduler.tick():
                self.stdout.write(f"enqueued {path}")
            return
        for entry in scheduler.entries:
            self.stdout.write(f"every {entry.seconds:g} s: {entry.path}")
        scheduler.run_forever()
