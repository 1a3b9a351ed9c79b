from __future__ import annotations

from django.urls import path

from clinwell.web.results import views

app_name = "results"
urlpatterns = [
    path("", views.index, name="index"),
]
