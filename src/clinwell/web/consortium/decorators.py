"""View decorator resolving the consortium from the URL through the access layer."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from clinwell.web.consortium.access import access_consortium, require_staff

View = Callable[..., HttpResponse]


def consortium_view(*, staff_only: bool = False) -> Callable[[View], View]:
    """Wrap ``view(request, membership, ...)``: login, consortium role (404), staff (403)."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(
            request: HttpRequest, consortium_slug: str, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            membership = access_consortium(request.user, consortium_slug)  # type: ignore[arg-type]
            if staff_only:
                require_staff(membership)
            request.consortium_membership = membership  # type: ignore[attr-defined]
            return view(request, membership, *args, **kwargs)

        return wrapped

    return decorator
