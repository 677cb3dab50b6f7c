"""Admin pages of the core app: the national working-time calendar."""

from django.contrib import admin

from .audit import record
from .workdays import DayOverride


@admin.register(DayOverride)
class DayOverrideAdmin(admin.ModelAdmin):
    """Holidays and adjusted working days; national, so superusers only."""

    list_display = ("date", "is_workday", "name")
    list_filter = ("is_workday",)
    search_fields = ("name",)
    date_hierarchy = "date"
    ordering = ("-date",)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_add_permission = has_view_permission
    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(
            actor=request.user,
            action="workdays.day_changed" if change else "workdays.day_added",
            target=obj,
            data={"date": obj.date.isoformat(), "is_workday": obj.is_workday, "name": obj.name},
        )

    def delete_model(self, request, obj):
        data = {"date": obj.date.isoformat(), "is_workday": obj.is_workday, "name": obj.name}
        record(actor=request.user, action="workdays.day_removed", target=obj, data=data)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
