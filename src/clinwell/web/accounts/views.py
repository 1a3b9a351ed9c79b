"""Sign-in (password, then the second factor when the person has one), sign-out, and the
authenticator set-up pages."""

from __future__ import annotations

import time
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from clinwell.web.accounts.forms import CodeForm, EmailAuthenticationForm
from clinwell.web.accounts.middleware import TWO_FACTOR_DONE
from clinwell.web.accounts.models import User
from clinwell.web.accounts.services import two_factor

PENDING_USER = "clinwell_2fa_user"
PENDING_BACKEND = "clinwell_2fa_backend"
PENDING_SINCE = "clinwell_2fa_since"
PENDING_NEXT = "clinwell_2fa_next"
RECOVERY_CODES = "clinwell_new_recovery_codes"
# The password step is valid this long for entering the code.
PENDING_SECONDS = 300


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: EmailAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        if two_factor.has_two_factor(user):
            session = self.request.session
            session.cycle_key()
            session[PENDING_USER] = user.pk
            session[PENDING_BACKEND] = getattr(user, "backend", "")
            session[PENDING_SINCE] = time.time()
            session[PENDING_NEXT] = self.get_success_url()
            return redirect("accounts:two_factor_verify")
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    pass


def _pending_user(request: HttpRequest) -> User | None:
    since = float(request.session.get(PENDING_SINCE, 0))
    if time.time() - since > PENDING_SECONDS:
        return None
    return two_factor.active_user(request.session.get(PENDING_USER))


def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a one-time or recovery code."""
    user = _pending_user(request)
    if user is None:
        messages.info(request, "Please sign in again.")
        return redirect(settings.LOGIN_URL)
    credentials = {"username": user.email}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return render(request, "accounts/locked_out.html", status=429)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(user, form.cleaned_data["code"]):
            target = str(request.session.get(PENDING_NEXT) or settings.LOGIN_REDIRECT_URL)
            backend = str(request.session.get(PENDING_BACKEND) or "")
            for key in (PENDING_USER, PENDING_BACKEND, PENDING_SINCE, PENDING_NEXT):
                request.session.pop(key, None)
            login(request, user, backend=backend or "django.contrib.auth.backends.ModelBackend")
            request.session[TWO_FACTOR_DONE] = True
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "/"
            return HttpResponseRedirect(target if target.startswith("/") else "/")
        # A wrong code counts toward the same lockout as a wrong password.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if not AxesProxyHandler.is_allowed(request, credentials):
            return render(request, "accounts/locked_out.html", status=429)
        form.add_error("code", "That code is not valid. Codes change every 30 seconds.")
    return render(request, "accounts/two_factor_verify.html", {"form": form})


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Set up (or replace) the authenticator app: scan, confirm with a code, keep the codes.

    A GET only shows where the person stands; a new key is made by a POST.
    """
    user: User = request.user  # type: ignore[assignment]
    form = CodeForm(request.POST or None)
    enrollment: two_factor.Enrollment | None
    if request.method == "POST" and request.POST.get("restart"):
        enrollment = two_factor.start_enrollment(user)
        form = CodeForm()
    else:
        enrollment = two_factor.pending_enrollment(user)
    if enrollment is None:
        if two_factor.has_two_factor(user):
            remaining = two_factor.remaining_recovery_codes(user)
            return render(request, "accounts/two_factor_status.html", {"remaining": remaining})
        return render(request, "accounts/two_factor_start.html")
    if request.method == "POST" and not request.POST.get("restart") and form.is_valid():
        codes = two_factor.confirm_enrollment(user, form.cleaned_data["code"])
        if codes is not None:
            request.session[TWO_FACTOR_DONE] = True
            request.session[RECOVERY_CODES] = codes
            return redirect("accounts:recovery_codes")
        form.add_error("code", "That code is not valid. Check the time on your phone and retry.")
    context: dict[str, Any] = {"form": form, "enrollment": enrollment}
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once (then forgotten by the session)."""
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        if not two_factor.has_two_factor(user):
            return redirect("accounts:two_factor_setup")
        request.session[RECOVERY_CODES] = two_factor.new_recovery_codes(user)
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(RECOVERY_CODES, None)
    if not codes:
        return redirect("accounts:two_factor_setup")
    return render(request, "accounts/recovery_codes.html", {"codes": codes})
