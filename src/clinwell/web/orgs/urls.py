from __future__ import annotations

from django.urls import path

from clinwell.web.orgs import people_views, views

app_name = "orgs"
urlpatterns = [
    path("units/", views.units, name="units"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit"),
    path("roster/", views.roster, name="roster"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/import/units/", views.import_units_view, name="import_units"),
    path("settings/import/roster/", views.import_roster_view, name="import_roster"),
    path("settings/people/", people_views.people, name="people"),
    path("settings/people/invite/", people_views.invite_view, name="invite"),
    path("settings/people/<int:member_id>/", people_views.member_view, name="member"),
    path(
        "settings/people/<int:member_id>/remove/",
        people_views.member_remove,
        name="member_remove",
    ),
    path(
        "settings/invitations/<int:invitation_id>/withdraw/",
        people_views.invitation_withdraw,
        name="invitation_withdraw",
    ),
]
