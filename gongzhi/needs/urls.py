from django.urls import path

from . import views

app_name = "needs"
urlpatterns = [
    path("", views.index, name="index"),
    path("overdue/", views.overdue_index, name="overdue-index"),
    path("communities/<int:community_id>/", views.board, name="board"),
    path("communities/<int:community_id>/new/", views.create, name="create"),
    path("communities/<int:community_id>/similar/", views.similar, name="similar"),
    path("communities/<int:community_id>/overdue/", views.overdue, name="overdue"),
    path("communities/<int:community_id>/settings/", views.settings_page, name="settings"),
    path("<int:need_id>/", views.detail, name="detail"),
    path("<int:need_id>/edit/", views.edit, name="edit"),
    path("<int:need_id>/support/", views.support, name="support"),
    path("<int:need_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:need_id>/follow/", views.follow, name="follow"),
    path("<int:need_id>/unfollow/", views.unfollow, name="unfollow"),
    path("<int:need_id>/comments/", views.comment, name="comment"),
    path("<int:need_id>/triage/", views.triage, name="triage"),
    path("<int:need_id>/reply/", views.reply, name="reply"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
]
