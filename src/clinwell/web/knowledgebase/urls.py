from __future__ import annotations

from django.urls import path

from clinwell.web.knowledgebase import views

app_name = "knowledgebase"
urlpatterns = [
    path("", views.index, name="index"),
]
