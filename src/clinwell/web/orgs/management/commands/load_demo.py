from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from clinwell.web.demo import demo_credentials, load_demo


class Command(BaseCommand):
    help = "Load the demo organization (Riverside Health) and its demo users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Delete and rebuild the demo.")

    def handle(self, *args: Any, **options: Any) -> None:
        load_demo(self.stdout.write, reset=options["reset"])
        for role, email, password in demo_credentials():
            self.stdout.write(f"  {role:45} {email:32} {password}")
