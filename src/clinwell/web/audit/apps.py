from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "clinwell.web.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from clinwell.web.audit import signals  # noqa: F401  (connects the receivers)
