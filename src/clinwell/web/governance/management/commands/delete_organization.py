from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinwell.web.accounts.models import User
from clinwell.web.governance.services.deletion import delete_organization_completely
from clinwell.web.orgs.models import Organization


class Command(BaseCommand):
    help = (
        "Delete an organization and everything it owns, irreversibly (take an export first: "
        "Settings → Data). The deletion is recorded in the site's audit chain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The organization's slug (its address: /o/<slug>/).")
        parser.add_argument("--superuser", required=True, help="E-mail of the superuser doing it.")
        parser.add_argument("--yes", action="store_true", help="Confirm the deletion.")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["slug"]).first()
        if organization is None:
            raise CommandError(f"No organization with the slug {options['slug']!r}.")
        user = User.objects.filter(email__iexact=options["superuser"], is_superuser=True).first()
        if user is None:
            raise CommandError(f"{options['superuser']} is not a superuser.")
        if not options["yes"]:
            raise CommandError(
                f"This deletes {organization.name} and all its data for good; add --yes."
            )
        delete_organization_completely(organization, by=user)
        self.stdout.write(f"Deleted {organization.name} ({options['slug']}).")
