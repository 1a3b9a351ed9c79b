from __future__ import annotations

from django.urls import path

from clinwell.web.actions import views

app_name = "actions"
urlpatterns = [
    path("", views.index, name="index"),
]
