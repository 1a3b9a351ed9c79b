from __future__ import annotations

from django.contrib import admin

from clinwell.web.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("name", "user", "prefix", "created_at", "last_used_on", "revoked_at")
    readonly_fields = ("user", "prefix", "created_at", "last_used_on", "revoked_at")
    search_fields = ("name", "user__email", "prefix")

    def has_add_permission(self, request: object) -> bool:  # tokens are created on /api/tokens/
        return False
