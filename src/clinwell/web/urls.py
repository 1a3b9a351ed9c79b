from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.urls import include, path

from clinwell.web import views

org_patterns = [
    path("", include("clinwell.web.dashboard.urls")),
    path("", include("clinwell.web.orgs.urls")),
    path("surveys/", include("clinwell.web.surveys.urls")),
    path("results/", include("clinwell.web.results.urls")),
    path("actions/", include("clinwell.web.actions.urls")),
    path("ehr/", include("clinwell.web.ehrburden.urls")),
    path("knowledge/", include("clinwell.web.knowledgebase.urls")),
    path("consortium/", include("clinwell.web.consortium.sharing_urls")),
    path("", include("clinwell.web.governance.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("clinwell.web.accounts.urls")),
    path("accounts/sso/", include("clinwell.web.orgs.sso_urls")),
    path("invitations/", include("clinwell.web.orgs.public_urls")),
    path("api/", include("clinwell.web.api.urls")),
    path("o/<slug:org_slug>/", include(org_patterns)),
    path("c/<slug:consortium_slug>/", include("clinwell.web.consortium.urls")),
    path("", include("clinwell.web.surveys.public_urls")),
]


def _superusers_only(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


if settings.ADMIN_ENABLED:
    # Django's admin edits any table directly: superusers only, and off in production
    # unless ADMIN_ENABLED is set (docs/security.md).
    admin.site.has_permission = _superusers_only  # type: ignore[method-assign]
    urlpatterns.insert(3, path("admin/", admin.site.urls))

handler404 = "clinwell.web.views.not_found"
handler403 = "clinwell.web.views.forbidden"
handler500 = "clinwell.web.views.server_error"
