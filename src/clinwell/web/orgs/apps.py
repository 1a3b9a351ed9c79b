from __future__ import annotations

from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "clinwell.web.orgs"
    label = "orgs"
    verbose_name = "Organizations"

    def ready(self) -> None:
        from clinwell.web.accounts.services.sign_in_policy import register_password_check
        from clinwell.web.orgs.services.sso import password_refused

        # Addresses of a domain with single sign-on never sign in with a password.
        register_password_check(password_refused)
