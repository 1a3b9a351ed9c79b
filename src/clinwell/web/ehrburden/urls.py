from __future__ import annotations

from django.urls import path

from clinwell.web.ehrburden import views

app_name = "ehrburden"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new_run, name="new"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/status/", views.run_status, name="status"),
    path("runs/<int:run_id>/remap/", views.remap, name="remap"),
    path("runs/<int:run_id>/actions/", views.action_codes, name="actions"),
    path("samples/<str:kind>.csv", views.sample, name="sample"),
]
