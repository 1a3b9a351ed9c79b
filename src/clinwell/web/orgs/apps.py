from __future__ import annotations

from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "clinwell.web.orgs"
    label = "orgs"
    verbose_name = "Organizations"
