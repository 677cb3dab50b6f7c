from django.contrib import admin

from . import models


@admin.register(models.Subdistrict)
class SubdistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(models.Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "subdistrict", "kind", "code"]
    list_filter = ["kind", "subdistrict"]


@admin.register(models.Compound)
class CompoundAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "kind"]
    list_select_related = ["community"]
    raw_id_fields = ["community"]


@admin.register(models.Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "community", "worker"]
    list_select_related = ["community", "worker"]
    raw_id_fields = ["community", "worker"]


@admin.register(models.Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["name", "compound", "grid"]
    list_select_related = ["compound", "grid"]
    raw_id_fields = ["community", "compound", "grid"]


@admin.register(models.Dwelling)
class DwellingAdmin(admin.ModelAdmin):
    list_display = ["number", "building", "floor_area", "area_source"]
    list_select_related = ["building"]
    raw_id_fields = ["community", "building"]


# Residents are personal data: no admin list that would show names and phones unmasked
# without an audit entry. Staff use the registry pages, which mask and audit.
