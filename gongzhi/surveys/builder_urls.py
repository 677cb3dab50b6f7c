"""URL patterns of the survey builder pages (included by surveys/urls.py)."""

from django.urls import path

from . import builder_views as views

urlpatterns = [
    path("", views.index, name="index"),
    path("communities/<int:community_id>/", views.survey_list, name="list"),
    path("communities/<int:community_id>/new/", views.survey_create, name="create"),
    path("<int:survey_id>/edit/", views.survey_edit, name="edit"),
    path("<int:survey_id>/settings/", views.survey_settings, name="settings"),
    path("<int:survey_id>/preview/", views.survey_preview, name="preview"),
    path("<int:survey_id>/open/", views.survey_open, name="open"),
    path("<int:survey_id>/close/", views.survey_close, name="close"),
    path("<int:survey_id>/duplicate/", views.survey_duplicate, name="duplicate"),
    path("<int:survey_id>/delete/", views.survey_delete, name="delete"),
    path("<int:survey_id>/sections/add/", views.section_add, name="section-add"),
    path(
        "<int:survey_id>/sections/<int:section_id>/rename/",
        views.section_rename,
        name="section-rename",
    ),
    path(
        "<int:survey_id>/sections/<int:section_id>/move/", views.section_move, name="section-move"
    ),
    path(
        "<int:survey_id>/sections/<int:section_id>/delete/",
        views.section_delete,
        name="section-delete",
    ),
    path("<int:survey_id>/questions/add/", views.question_add, name="question-add"),
    path(
        "<int:survey_id>/questions/<int:question_id>/edit/",
        views.question_edit,
        name="question-edit",
    ),
    path(
        "<int:survey_id>/questions/<int:question_id>/move/",
        views.question_move,
        name="question-move",
    ),
    path(
        "<int:survey_id>/questions/<int:question_id>/delete/",
        views.question_delete,
        name="question-delete",
    ),
]
