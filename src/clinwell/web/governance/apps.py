from __future__ import annotations

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "clinwell.web.governance"
    label = "governance"
    verbose_name = "Data governance"
