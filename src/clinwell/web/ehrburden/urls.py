from __future__ import annotations

from django.urls import path

from clinwell.web.ehrburden import views

app_name = "ehrburden"
urlpatterns = [
    path("", views.index, name="index"),
]
