from __future__ import annotations

from django.urls import path

from clinwell.web.orgs import views

app_name = "orgs"
urlpatterns = [
    path("units/", views.units, name="units"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit"),
    path("roster/", views.roster, name="roster"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/import/units/", views.import_units_view, name="import_units"),
    path("settings/import/roster/", views.import_roster_view, name="import_roster"),
]
