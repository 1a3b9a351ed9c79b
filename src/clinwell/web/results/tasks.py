"""Background tasks of the results app (run by the worker `clinwell serve` supervises)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from clinwell.web.results.services.cache import results_for
from clinwell.web.surveys.models import Wave


@task()
def compute_wave_results(wave_id: int) -> int:
    """Compute (or refresh) the released results of a closed wave; the number of cells."""
    wave = Wave.objects.filter(pk=wave_id, status=Wave.Status.CLOSED).first()
    if wave is None:
        return 0
    return len(results_for(wave).cells(None))


def on_wave_closed(sender: Any, wave: Wave, **kwargs: Any) -> None:
    """A closed wave's results are computed at once, in the background (the signal is sent
    once the close has committed)."""
    compute_wave_results.enqueue(wave.pk)
