"""URL patterns of the survey results pages (included by surveys/urls.py)."""

from django.urls import path

from . import results_views as views

urlpatterns = [
    path("<int:survey_id>/results/", views.results, name="results"),
    path("<int:survey_id>/results/crosstab/", views.crosstab_page, name="crosstab"),
    path("<int:survey_id>/results/export.xlsx", views.export_xlsx, name="export-xlsx"),
    path("<int:survey_id>/results/export.csv", views.export_csv, name="export-csv"),
    path("<int:survey_id>/results/publish/", views.publish, name="publish"),
    path(
        "<int:survey_id>/results/questions/<int:question_id>/text/",
        views.text_answers_page,
        name="text-answers",
    ),
]
