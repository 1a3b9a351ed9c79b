from __future__ import annotations

from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "clinwell.web.results"
    label = "results"
    verbose_name = "Results"

    def ready(self) -> None:
        from clinwell.web.results.tasks import on_wave_closed
        from clinwell.web.surveys.signals import wave_closed

        wave_closed.connect(on_wave_closed, dispatch_uid="results.compute_on_close")
