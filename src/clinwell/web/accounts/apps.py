from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clinwell.web.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from clinwell.web.accounts import checks  # noqa: F401  (registers the deploy checks)
