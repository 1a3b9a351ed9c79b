from __future__ import annotations

from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "clinwell.web.actions"
    label = "actions"
    verbose_name = "Action plans"
