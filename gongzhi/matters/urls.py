from django.urls import path

from . import views

app_name = "matters"
urlpatterns = [
    path("communities/<int:community_id>/", views.matter_list, name="list"),
    path("<int:matter_id>/", views.detail, name="detail"),
    path("<int:matter_id>/links/", views.add_link, name="add-link"),
]
