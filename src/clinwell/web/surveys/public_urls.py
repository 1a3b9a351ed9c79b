from __future__ import annotations

from django.urls import path

from clinwell.web.surveys import public_views

urlpatterns = [
    path("s/<str:token>/", public_views.respond_invitation, name="respond"),
    path("a/<str:token>/", public_views.respond_anonymous, name="respond_anonymous"),
]
