from __future__ import annotations

from django.urls import path

from clinwell.web.knowledgebase import views

app_name = "knowledgebase"
urlpatterns = [
    path("", views.index, name="index"),
    path("nam/", views.nam, name="nam"),
    path("nasem/", views.nasem, name="nasem"),
    path("levels/", views.levels, name="levels"),
    path("interventions/", views.interventions, name="interventions"),
    path(
        "interventions/<slug:intervention_id>/",
        views.intervention_detail,
        name="intervention",
    ),
    path("resources/", views.resources, name="resources"),
    path("recognition/", views.recognition, name="recognition"),
]
