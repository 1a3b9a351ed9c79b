"""URLs of an organization's consortium page (``/o/<org_slug>/consortium/...``)."""

from __future__ import annotations

from django.urls import path

from clinwell.web.consortium import sharing_views

app_name = "consortium-sharing"
urlpatterns = [
    path("", sharing_views.sharing, name="index"),
    path("contribution.json", sharing_views.download, name="download"),
    path("send/", sharing_views.send, name="send"),
    path("evidence/", sharing_views.evidence_upload, name="evidence"),
]
