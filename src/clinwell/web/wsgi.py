"""WSGI entry point (``clinwell serve`` runs granian on ``clinwell.web.wsgi:application``).

Two Django handlers share one process:

- the **respondent handler** (:mod:`clinwell.web.respondent_handler`, a dangerous construct:
  CONTRIBUTING.md) serves the survey links ``/s/<token>/`` and ``/a/<token>/`` with only
  the middleware those pages use — its ``RESPONDENT_MIDDLEWARE``, in the order of
  ``settings.MIDDLEWARE``: security headers (nosniff, referrer policy, cross-origin opener
  policy, and in production the HTTPS redirect and HSTS; clinwell's Content-Security-Policy
  and ``Cache-Control: no-store``), common (host check,
  ``Content-Length``), CSRF (the form keeps its token) and ``X-Frame-Options``. Respondents
  never log in, so sessions, authentication, messages and login throttling (axes) have
  nothing to do there; skipping them saved about a quarter of the in-process CPU time
  per respondent (7.6 → 5.8 ms at the time);
- the **full handler** serves everything else with ``settings.MIDDLEWARE``.

Importing this module also loads the URLconf (and with it every view and the scientific
libraries behind them), the instrument library and the respondent templates. ``clinwell
serve`` imports it before granian forks its workers, so all of that happens once in the
parent: a worker that replaces a killed one is ready at once instead of importing for
seconds (any server with a preload option, e.g. gunicorn's ``--preload``, gets the same).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinwell.web.settings")

from clinwell.web.respondent_handler import RESPONDENT_PATH, RespondentHandler


def _warm_up() -> None:
    """Load what every worker needs before the first request (once, before workers fork)."""
    from django.db import connections
    from django.template.loader import get_template
    from django.urls import get_resolver

    from clinwell.instruments import load_library

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    load_library()
    for name in (
        "surveys/respond.html",
        "surveys/_questions.html",
        "surveys/feedback.html",
        "surveys/_feedback_row.html",
        "surveys/_finding.html",
        "surveys/_resource_sources.html",
        "surveys/notice.html",
        "surveys/_resources.html",
    ):
        get_template(name)
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()  # never hand an open database connection to forked workers


full_application = get_wsgi_application()
respondent_application = RespondentHandler()
_warm_up()


def application(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """Survey links to the respondent handler, everything else to the full one."""
    if RESPONDENT_PATH.match(environ.get("PATH_INFO", "")):
        return respondent_application(environ, start_response)
    return full_application(environ, start_response)
