from __future__ import annotations

from django.urls import path

from clinwell.web.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("instruments/", views.instrument_texts, name="instrument_texts"),
    path("instruments/<str:instrument_id>/text/", views.instrument_text, name="instrument_text"),
    path("<int:wave_id>/", views.detail, name="detail"),
    path("<int:wave_id>/edit/", views.edit, name="edit"),
    path("<int:wave_id>/preview/", views.preview, name="preview"),
    path("<int:wave_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:wave_id>/launch/", views.launch, name="launch"),
    path("<int:wave_id>/close/", views.close, name="close"),
    path("<int:wave_id>/send/", views.send, name="send"),
    path("<int:wave_id>/email/", views.email, name="email"),
    path("<int:wave_id>/copy/", views.copy, name="copy"),
    path("<int:wave_id>/job/", views.job_progress, name="job"),
    path("<int:wave_id>/monitor/", views.monitor, name="monitor"),
    path("<int:wave_id>/links/", views.anonymous_link, name="anonymous_link"),
    path("<int:wave_id>/nonresponders.csv", views.nonresponders, name="nonresponders"),
]
