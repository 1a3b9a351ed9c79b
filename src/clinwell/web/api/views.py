"""The API tokens page: a logged-in user creates (shown once) and revokes their tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from clinwell.web.accounts.models import User
from clinwell.web.api.forms import TokenForm
from clinwell.web.api.tokens import create_token, revoke_token, user_tokens
from clinwell.web.orgs.access import memberships_of

NEW_TOKEN_KEY = "api_new_token"  # noqa: S105 - a session key, not a secret


@never_cache
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, token = create_token(user, form.cleaned_data["name"])
        # Post/redirect/get: reloading the page must not create another token. The new
        # token rides in the session to the next page view only, where it is shown once.
        request.session[NEW_TOKEN_KEY] = token
        return redirect("api-tokens")
    new_token = request.session.pop(NEW_TOKEN_KEY, None) if request.method == "GET" else None
    # Not an organization page, so no organization navigation: link back to each one.
    context = {
        "form": form,
        "tokens": user_tokens(user),
        "new_token": new_token,
        "memberships": memberships_of(user),
    }
    return render(request, "api/tokens.html", context, status=200)


@require_POST
@login_required
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    row = revoke_token(request.user, token_id)  # type: ignore[arg-type]
    messages.success(request, f"Token “{row.name}” revoked; it no longer works.")
    return redirect("api-tokens")
