from django.urls import path

from . import roster_views, views

app_name = "registry"
urlpatterns = [
    path("communities/<int:community_id>/", views.community_overview, name="community"),
    path("communities/<int:community_id>/residents/", views.resident_search, name="residents"),
    path("communities/<int:community_id>/residents/new/", views.resident_add, name="resident-add"),
    path("communities/<int:community_id>/corrections/", views.correction_list, name="corrections"),
    path(
        "corrections/<int:correction_id>/handle/", views.correction_handle, name="correction-handle"
    ),
    path("compounds/<int:compound_id>/", views.compound_detail, name="compound"),
    path("buildings/<int:building_id>/", views.building_detail, name="building"),
    path("residents/<int:resident_id>/", views.resident_detail, name="resident"),
    path("residents/<int:resident_id>/edit/", views.resident_edit, name="resident-edit"),
    path("residents/<int:resident_id>/unmask/", views.resident_unmask, name="resident-unmask"),
    path(
        "residents/<int:resident_id>/move-out/", views.resident_move_out, name="resident-move-out"
    ),
    path("residents/<int:resident_id>/move-in/", views.resident_move_in, name="resident-move-in"),
    path("me/", views.my_data, name="my-data"),
    path("me/export.json", views.my_data_export, name="my-data-export"),
    path("me/correction/", views.my_correction, name="my-correction"),
    # Excel roster (roster_views.py)
    path(
        "communities/<int:community_id>/roster/import/",
        roster_views.roster_import,
        name="roster-import",
    ),
    path(
        "communities/<int:community_id>/roster/template.xlsx",
        roster_views.roster_template,
        name="roster-template",
    ),
    path(
        "communities/<int:community_id>/roster/export.xlsx",
        roster_views.roster_export,
        name="roster-export",
    ),
]
