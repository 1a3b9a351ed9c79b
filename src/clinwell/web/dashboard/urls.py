from __future__ import annotations

from django.urls import path

from clinwell.web.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.overview, name="overview"),
    # The board report keeps its address under results/ (this app's patterns come first).
    path("results/report.pdf", views.report_pdf, name="report_pdf"),
]
