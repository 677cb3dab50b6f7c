"""Admin: the global review words (every community), and read-only views of cases and reports."""

from django.contrib import admin

from .models import BlockedWord, ModerationCase, ModerationSettings, Report


@admin.register(BlockedWord)
class BlockedWordAdmin(admin.ModelAdmin):
    list_display = ("word", "community", "created_at")
    list_filter = ("community",)
    search_fields = ("word",)
    raw_id_fields = ("community", "created_by")

    def save_model(self, request, obj, form, change):
        from .screening import forget_blocked_words

        if obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        forget_blocked_words()

    def delete_model(self, request, obj):
        from .screening import forget_blocked_words

        super().delete_model(request, obj)
        forget_blocked_words()


@admin.register(ModerationSettings)
class ModerationSettingsAdmin(admin.ModelAdmin):
    list_display = ("community", "report_threshold", "flood_max_posts", "flood_window_minutes")
    raw_id_fields = ("community",)


@admin.register(ModerationCase)
class ModerationCaseAdmin(admin.ModelAdmin):
    list_display = ("id", "community", "content_type", "object_id", "state", "trigger", "outcome")
    list_filter = ("state", "trigger", "outcome")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("id", "community", "content_type", "object_id", "reason", "created_at")
    list_filter = ("reason",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
