"""URLs of a consortium (``/c/<consortium_slug>/...``)."""

from __future__ import annotations

from django.urls import path

from clinwell.web.consortium import views

app_name = "consortium"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("members/", views.members, name="members"),
    path("members/<slug:member_slug>/token/", views.new_token, name="new-token"),
    path("contribute/", views.contribute, name="contribute"),
    path("contributions/<int:contribution_id>/withdraw/", views.withdraw, name="withdraw"),
    path("benchmarks/<str:period>/", views.benchmarks, name="benchmarks"),
    path("evidence/", views.evidence, name="evidence"),
    path("evidence.json", views.evidence_download, name="evidence-download"),
    path("releases/", views.releases, name="releases"),
    path("report/", views.latest_report, name="latest-report"),
    path("report/<int:number>/", views.public_report, name="report"),
]
