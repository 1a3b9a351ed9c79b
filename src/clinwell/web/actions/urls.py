from __future__ import annotations

from django.urls import path

from clinwell.web.actions import report_views, views

app_name = "actions"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:plan_id>/", views.detail, name="detail"),
    path("<int:plan_id>/edit/", views.edit, name="edit"),
    path("<int:plan_id>/status/", views.set_status, name="status"),
    path("<int:plan_id>/milestones/", views.add_milestone, name="add_milestone"),
    path(
        "<int:plan_id>/milestones/<int:milestone_id>/done/",
        views.milestone_done,
        name="milestone_done",
    ),
    path("burden/", report_views.burden, name="burden"),
    path("burden.pdf", report_views.burden_pdf, name="burden_pdf"),
]
