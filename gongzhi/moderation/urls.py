from django.urls import path

from . import views

app_name = "moderation"
urlpatterns = [
    path("", views.index, name="index"),
    path("c/<int:community_id>/", views.queue, name="queue"),
    path("c/<int:community_id>/words/", views.blocked_words, name="words"),
    path(
        "c/<int:community_id>/words/<int:word_id>/delete/",
        views.blocked_word_delete,
        name="word-delete",
    ),
    path("c/<int:community_id>/settings/", views.moderation_settings, name="settings"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/appeal/", views.appeal, name="appeal"),
    path("report/<str:label>/<int:object_id>/", views.report, name="report"),
]
