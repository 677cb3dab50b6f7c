"""URL patterns of the survey respond pages (included by surveys/urls.py)."""

from django.urls import path

from . import respond_views as views

urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("<int:survey_id>/answer/", views.answer, name="answer"),
    path("s/<int:survey_id>/", views.code_entry, name="code-entry"),
    path("<int:survey_id>/poster/<int:building_id>/", views.poster, name="poster"),
    path("<int:survey_id>/slips/<int:building_id>/", views.slips, name="slips"),
    path("<int:survey_id>/visits/", views.visits, name="visits"),
    path("<int:survey_id>/visits/<int:household_id>/", views.visit, name="visit"),
    path(
        "<int:survey_id>/visits/<int:household_id>/draft/",
        views.visit_draft,
        name="visit-draft",
    ),
    path("<int:survey_id>/paper/", views.paper, name="paper"),
    path("<int:survey_id>/coverage/", views.coverage, name="coverage"),
]
