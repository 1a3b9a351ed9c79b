"""Session limits and the second-factor requirement, on every signed-in request.

- :class:`SessionLimitsMiddleware`: a session ends after ``SESSION_IDLE_MINUTES`` without a
  request and ``SESSION_MAX_HOURS`` after sign-in, whatever the activity (a shared
  clinical workstation left signed in does not stay open).
- :class:`TwoFactorMiddleware`: a person who must use a second factor and has not set it
  up reaches only the set-up page and sign-out until they have.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from clinwell.web.accounts.services.two_factor import has_two_factor, two_factor_required

Handler = Callable[[HttpRequest], HttpResponse]

STARTED = "clinwell_session_started"
SEEN = "clinwell_session_seen"
TWO_FACTOR_DONE = "clinwell_two_factor_done"
# The last-seen time is written at most this often (not a session write per request).
SEEN_RESOLUTION_SECONDS = 60


class SessionLimitsMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            started = float(request.session.get(STARTED, now))
            seen = float(request.session.get(SEEN, now))
            idle = settings.SESSION_IDLE_MINUTES * 60
            longest = settings.SESSION_MAX_HOURS * 3600
            if now - seen > idle or now - started > longest:
                logout(request)
                messages.info(request, "You were signed out after a period of inactivity.")
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            if STARTED not in request.session:
                request.session[STARTED] = now
            if SEEN not in request.session or now - seen >= SEEN_RESOLUTION_SECONDS:
                request.session[SEEN] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.session.get(TWO_FACTOR_DONE)
            and not request.path.startswith(settings.STATIC_URL or "/static/")
            and request.path
            not in (reverse("accounts:two_factor_setup"), reverse("accounts:logout"))
            and two_factor_required(user)
            and not has_two_factor(user)
        ):
            return redirect("accounts:two_factor_setup")
        return self.get_response(request)
