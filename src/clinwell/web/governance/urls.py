from __future__ import annotations

from django.urls import path

from clinwell.web.governance import views

app_name = "governance"
urlpatterns = [
    path("settings/audit/", views.audit, name="audit"),
    path("settings/audit.csv", views.audit_export, name="audit_export"),
    path("settings/export.zip", views.export, name="export"),
]
