from django.contrib import admin

from .models import Category, Comment, Need, NeedEvent, NeedSettings


@admin.register(NeedSettings)
class NeedSettingsAdmin(admin.ModelAdmin):
    list_display = ["community", "support_threshold", "response_working_days"]
    raw_id_fields = ["community"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "community", "position", "is_active"]
    list_filter = ["is_active"]
    raw_id_fields = ["community"]


class EventInline(admin.TabularInline):
    model = NeedEvent
    fk_name = "need"
    fields = ("kind", "from_status", "to_status", "actor", "text", "created_at")
    readonly_fields = ("kind", "from_status", "to_status", "actor", "text", "created_at")
    extra = 0
    can_delete = False


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    """Read mostly: status changes go through the need page, so they are audited."""

    list_display = ["title", "community", "kind", "status", "moderation_status", "support_count"]
    list_filter = ["status", "kind", "moderation_status"]
    search_fields = ["title"]
    raw_id_fields = [
        "community", "category", "compound", "building", "author", "resident", "merged_into",
    ]  # fmt: skip
    readonly_fields = ["support_count", "status", "merged_into", "first_response_at"]
    inlines = [EventInline]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "need", "moderation_status", "created_at"]
    list_filter = ["moderation_status"]
    raw_id_fields = ["need", "community", "parent", "author"]
