"""Background tasks of the EHR app (django-tasks; the worker that `clinwell serve` starts, or
`clinwell manage db_worker`, runs them; see docs/operations.md, "Background worker").

``compute_ehr_run`` is defined beside what it runs, in :mod:`.services.runs` (which also
enqueues it): the two modules then import each other in one direction only. It is re-exported
here, the app's usual place for its tasks, so a task queued under this path still runs.
"""

from __future__ import annotations

from clinwell.web.ehrburden.services.runs import compute_ehr_run as compute_ehr_run
