from __future__ import annotations

from django.apps import AppConfig


class KnowledgebaseConfig(AppConfig):
    name = "clinwell.web.knowledgebase"
    label = "knowledgebase"
    verbose_name = "Knowledge"
