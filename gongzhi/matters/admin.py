from django.contrib import admin

from .models import Matter, MatterLink


class LinkInline(admin.TabularInline):
    model = MatterLink
    fields = ("at", "kind", "title", "stage", "url")
    readonly_fields = ("at", "kind", "title", "stage", "url")
    extra = 0
    can_delete = False


@admin.register(Matter)
class MatterAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "stage", "updated_at"]
    list_filter = ["stage"]
    search_fields = ["title"]
    raw_id_fields = ["community", "opened_from", "opened_by"]
    inlines = [LinkInline]
