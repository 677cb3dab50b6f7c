from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["subdistrict", "community", "grid", "compound"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["phone"]
    list_display = ["phone", "name", "is_active", "is_staff", "locked_until"]
    search_fields = ["phone", "name"]
    list_filter = ["is_active", "is_staff"]
    inlines = [RoleInline]
    fieldsets = [
        (None, {"fields": ["phone", "name", "password"]}),
        (
            "Status",
            {"fields": ["is_active", "is_staff", "is_superuser", "failed_logins", "locked_until"]},
        ),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["phone", "name", "password1", "password2"]})
    ]
    filter_horizontal = []


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "token_hash"]
    raw_id_fields = ["user"]
