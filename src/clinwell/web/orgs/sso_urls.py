"""Single sign-on (OpenID Connect): no organization in the address, the e-mail picks it."""

from __future__ import annotations

from django.urls import path

from clinwell.web.orgs import sso_views

app_name = "sso"
urlpatterns = [
    path("", sso_views.start, name="start"),
    path("callback/", sso_views.callback, name="callback"),
]
