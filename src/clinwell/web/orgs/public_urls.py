"""The invitation link (no organization in the address: the invitee is not a member yet)."""

from __future__ import annotations

from django.urls import path

from clinwell.web.orgs import people_views

urlpatterns = [
    path("<str:token>/", people_views.accept, name="accept_invitation"),
]
