from __future__ import annotations

from django.urls import path

from clinwell.web.results import views

app_name = "results"
urlpatterns = [
    path("", views.index, name="index"),
    path("heatmap/", views.heatmap, name="heatmap"),
    path("drivers/", views.drivers, name="drivers"),
    path("trends/", views.trends, name="trends"),
    path("equity/", views.equity, name="equity"),
    path("comments/", views.comments, name="comments"),
    path("export.csv", views.export_csv, name="export_csv"),
]
