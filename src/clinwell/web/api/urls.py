"""URLs of the REST API (``/api/v1/...``) and of the API tokens page (``/api/tokens/``)."""

from __future__ import annotations

from django.urls import path

from clinwell.web.api import views
from clinwell.web.api.v1 import api
from clinwell.web.consortium.api import api as consortium_api

urlpatterns = [
    path("v1/", api.urls),
    path("consortium/v1/", consortium_api.urls),
    path("tokens/", views.tokens, name="api-tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke, name="api-token-revoke"),
]
