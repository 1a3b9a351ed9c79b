from __future__ import annotations

from django.urls import path

from clinwell.web.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.overview, name="overview"),
]
