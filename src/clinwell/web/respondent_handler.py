"""DANGEROUS CONSTRUCT: a second Django handler for survey links, with a reduced middleware.

Read "Dangerous constructs" in CONTRIBUTING.md before changing anything here.

What it bypasses, and why: respondents never log in, so sessions, authentication, messages
and login throttling (axes) have nothing to do on ``/s/<token>/`` and ``/a/<token>/``;
skipping them saved about a quarter of the in-process CPU per respondent on a launch
morning (docs/performance.md). :data:`RESPONDENT_MIDDLEWARE` is the subset those pages run,
in the order of ``settings.MIDDLEWARE``. Anything a respondent page needs from middleware
must be listed there — a security header added to ``MIDDLEWARE`` and not here would be
missing from survey pages. ``tests/web/surveys/test_respondent_stack.py`` compares the two
stacks' responses header by header and checks that the path rule sends exactly the survey
links here; ``tests/web/test_security.py`` checks the Content-Security-Policy and
``Cache-Control`` of a survey page.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.utils.module_loading import import_string

# Middleware the respondent pages need (a subset of settings.MIDDLEWARE, kept in its order).
RESPONDENT_MIDDLEWARE = frozenset(
    {
        "django.middleware.security.SecurityMiddleware",
        "clinwell.web.security.SecurityHeadersMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    }
)
# A survey link exactly as e-mailed or shared (anything else — a missing slash, a longer
# path — goes through the full stack, which redirects or answers 404 as before).
RESPONDENT_PATH = re.compile(r"/[sa]/[A-Za-z0-9_-]{1,64}/\Z")


class RespondentHandler(WSGIHandler):
    """A WSGI handler whose middleware chain is the respondent subset of ``MIDDLEWARE``."""

    def load_middleware(self, is_async: bool = False) -> None:
        """As ``BaseHandler.load_middleware`` (synchronous), over the respondent subset."""
        from django.conf import settings

        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        handler = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]
        for path in reversed(settings.MIDDLEWARE):
            if path not in RESPONDENT_MIDDLEWARE:
                continue
            middleware = import_string(path)(handler)
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._middleware_chain = handler
