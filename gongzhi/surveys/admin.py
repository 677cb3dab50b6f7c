"""Admin for surveys: read and repair the questionnaire; answers are not shown here.

Responses, participations and visits stay out of the admin: the anonymity promise holds for
superusers too, and the builder's services (with their audit) are the way to change a survey.
"""

from django.contrib import admin

from . import models


class SectionInline(admin.TabularInline):
    model = models.Section
    extra = 0
    fields = ["position", "title"]


class OptionInline(admin.TabularInline):
    model = models.Option
    extra = 0
    fields = ["position", "label"]


@admin.register(models.Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "status", "unit", "anonymous", "created_at"]
    list_filter = ["status", "unit", "anonymous"]
    list_select_related = ["community"]
    search_fields = ["title"]
    raw_id_fields = ["community", "created_by", "copied_from"]
    filter_horizontal = ["audience_compounds", "audience_buildings"]
    readonly_fields = ["status", "results_published_at", "created_at", "updated_at"]
    inlines = [SectionInline]


@admin.register(models.Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "survey", "position", "kind", "required"]
    list_filter = ["kind"]
    list_select_related = ["survey"]
    search_fields = ["text"]
    raw_id_fields = ["survey", "section", "show_if_question"]
    inlines = [OptionInline]
