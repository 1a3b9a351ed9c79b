from __future__ import annotations

from django.apps import AppConfig


class EhrburdenConfig(AppConfig):
    name = "clinwell.web.ehrburden"
    label = "ehrburden"
    verbose_name = "EHR"
