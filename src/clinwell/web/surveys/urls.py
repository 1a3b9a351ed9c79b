from __future__ import annotations

from django.urls import path

from clinwell.web.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
]
