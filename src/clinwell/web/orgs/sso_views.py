"""Single sign-on pages: send the person to their organization's provider, and back.

The second factor (TOTP) is not asked after a single sign-on: the organization's provider
does its own multi-factor sign-in (docs/security.md).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from clinwell.web.accounts.forms import EmailAuthenticationForm, SingleSignOnForm
from clinwell.web.accounts.middleware import TWO_FACTOR_DONE
from clinwell.web.audit.services import record
from clinwell.web.orgs.services import sso
from clinwell.web.security import client_address

PENDING = "clinwell_sso_pending"
NEXT = "clinwell_sso_next"
SIGNED_IN_WITH = "clinwell_sso_issuer"


def _redirect_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("sso:callback"))


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target if target.startswith("/") else "/"
    return str(settings.LOGIN_REDIRECT_URL)


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """ "Sign in with your organization": find the provider of the address's domain."""
    form = SingleSignOnForm(request.POST)
    error = ""
    if form.is_valid():
        email = form.cleaned_data["email"]
        provider = sso.provider_for_email(email)
        if provider is None:
            error = (
                f"Addresses at {sso.domain_of(email)} have no single sign-on here: "
                "sign in with your e-mail address and password."
            )
        else:
            try:
                started = sso.start(provider, email=email, redirect_uri=_redirect_uri(request))
            except sso.SingleSignOnError as exc:
                error = str(exc)
            else:
                request.session[PENDING] = started.pending
                request.session[NEXT] = _safe_next(request, request.POST.get("next", ""))
                return HttpResponseRedirect(started.url)
    context = {
        "form": EmailAuthenticationForm(request),
        "sso_form": form,
        "sso_error": error,
        "next": request.POST.get("next", ""),
    }
    return render(request, "accounts/login.html", context, status=400)


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back here with a code (or an error)."""
    pending = request.session.pop(PENDING, None)
    target = str(request.session.pop(NEXT, "") or settings.LOGIN_REDIRECT_URL)
    ip = client_address(request)
    try:
        if request.GET.get("error"):
            raise sso.SingleSignOnError(
                "The identity provider did not sign you in "
                f"({request.GET.get('error_description') or request.GET['error']})."
            )
        user = sso.complete(
            pending,
            state=request.GET.get("state", ""),
            code=request.GET.get("code", ""),
            redirect_uri=_redirect_uri(request),
            ip=ip,
        )
    except sso.SingleSignOnError as exc:
        # Recorded like a refused password sign-in (not counted by the lockout: no
        # password was tried; the provider rate-limits its own sign-in).
        record(
            "sign-in-failed",
            ip_address=ip,
            summary="Single sign-on refused",
            detail={"reason": str(exc)[:300]},
        )
        return render(request, "accounts/sso_refused.html", {"error": str(exc)}, status=403)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    # The provider did the multi-factor sign-in; clinwell's own code is not asked.
    request.session[TWO_FACTOR_DONE] = True
    request.session[SIGNED_IN_WITH] = True
    if not sso.has_access(user):
        messages.info(
            request,
            "You are signed in, but you have no access yet: "
            "an administrator of your organization must give you a role.",
        )
        return redirect("home")
    return HttpResponseRedirect(_safe_next(request, target))
