from __future__ import annotations

from django.contrib.auth import authenticate, login
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def sign_in(request: HttpRequest) -> HttpResponse:
    """The provider's own sign-in (what the identity provider's login page does)."""
    user = authenticate(
        request, username=request.POST.get("username"), password=request.POST.get("password")
    )
    if user is None:
        return HttpResponse("refused", status=403)
    login(request, user)
    return HttpResponse("signed in")


urlpatterns = [
    path("login/", sign_in),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
