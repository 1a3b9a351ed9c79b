"""Set an organization's single sign-on provider (OpenID Connect).

    clinwell manage configure_sso ORG_SLUG --issuer https://login.example.org \\
        --client-id clinwell --secret-env CLINWELL_SSO_SECRET --domain example.org

The client secret is never given on the command line nor stored: only the name of the
environment variable (``--secret-env``) or the path of the file (``--secret-file``) that
holds it at run time. ``--check`` fetches the provider's discovery document first.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinwell.web.orgs.models import Organization
from clinwell.web.orgs.services import sso


class Command(BaseCommand):
    help = "Set an organization's OpenID Connect provider and the e-mail domains it signs in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organization", help="the organization's slug")
        parser.add_argument("--issuer", required=True, help="the provider's issuer URL")
        parser.add_argument("--client-id", required=True)
        secret = parser.add_mutually_exclusive_group(required=True)
        secret.add_argument("--secret-env", default="", help="environment variable of the secret")
        secret.add_argument("--secret-file", default="", help="file holding the secret")
        parser.add_argument(
            "--domain",
            action="append",
            required=True,
            help="an e-mail domain signed in by this provider (repeat for several)",
        )
        parser.add_argument("--disable", action="store_true", help="keep it, switched off")
        parser.add_argument(
            "--check", action="store_true", help="fetch the discovery document and the secret"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["organization"]).first()
        if organization is None:
            raise CommandError(f"No organization with the slug {options['organization']!r}.")
        try:
            provider = sso.configure(
                organization,
                issuer=options["issuer"],
                client_id=options["client_id"],
                domains=options["domain"],
                secret_env=options["secret_env"],
                secret_file=options["secret_file"],
                enabled=not options["disable"],
            )
            if options["check"]:
                sso.client_secret(provider)
                document = sso.discovery(provider)
                self.stdout.write(f"Discovery: {document['authorization_endpoint']}")
        except sso.SingleSignOnError as exc:
            raise CommandError(str(exc)) from exc
        domains = ", ".join(provider.domains.values_list("domain", flat=True))
        state = "on" if provider.enabled else "off"
        self.stdout.write(
            f"Single sign-on for {organization.name} ({state}): {provider.issuer}, "
            f"client {provider.client_id}, domains {domains}."
        )
