from __future__ import annotations

from django.urls import path

from clinwell.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.verify, name="two_factor_verify"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.setup, name="two_factor_setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
]
