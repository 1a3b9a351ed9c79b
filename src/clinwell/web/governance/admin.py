from __future__ import annotations

from django.contrib import admin

from clinwell.web.governance.models import RetentionPolicy


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin[RetentionPolicy]):
    list_display = ("organization", "raw_response_years", "ehr_run_days", "inactive_person_days")
