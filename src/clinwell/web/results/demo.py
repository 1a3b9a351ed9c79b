"""Demo step: compute the released results of the demo's closed waves once, up front.

The survey step (``clinwell.web.surveys.demo``) creates the past waves; this step fills the
results cache so the first visit to the results pages is already warm.
"""

from __future__ import annotations

from clinwell.web.demo import DemoContext
from clinwell.web.results.services.cache import closed_waves, results_for


def load(context: DemoContext) -> None:
    org = context.objects.get("organization")
    if org is None:
        return
    for wave in closed_waves(org):
        res = results_for(wave)
        suppressed = sum(1 for c in res.cells(None) if c.suppressed)
        context.log(
            f"Results of '{wave.name}': computed in {res.meta.seconds:.1f} s "
            f"({suppressed} suppressed cells)."
        )
