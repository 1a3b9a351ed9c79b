from __future__ import annotations

from django.apps import AppConfig


class ConsortiumConfig(AppConfig):
    name = "clinwell.web.consortium"
    label = "consortium"
    verbose_name = "Consortium"
