from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinwell.web.audit.models import chain_name
from clinwell.web.audit.queries import verify_all, verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chains: every entry unaltered, none removed, "
        "none cut from the end. Exits with status 1 on any problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization-id", type=int, help="Verify only this chain.")

    def handle(self, *args: Any, **options: Any) -> None:
        org_id = options.get("organization_id")
        reports = [verify_chain(chain_name(org_id))] if org_id else list(verify_all())
        failed = 0
        for report in reports:
            if report.ok:
                self.stdout.write(f"{report.chain}: {report.entries} entries, intact")
            else:
                failed += 1
                self.stdout.write(f"{report.chain}: {report.entries} entries, BROKEN")
                for problem in report.problems:
                    self.stdout.write(f"  - {problem}")
        if failed:
            raise CommandError(f"{failed} of {len(reports)} audit chains failed verification")
        self.stdout.write(f"All {len(reports)} audit chains verified.")
