from django.urls import include, path

from . import manage_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("mine/", views.my_cases, name="mine"),
    path("report/", views.report, name="report"),
    path("patrol/", views.patrol, name="patrol"),
    path("intake/", views.intake, name="intake"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/act/<slug:action>/", views.case_action, name="action"),
    path("<int:case_id>/contact/", views.case_unmask, name="unmask"),
    path("photos/<int:photo_id>/", views.case_photo, name="photo"),
    path(
        "communities/<int:community_id>/categories/",
        manage_views.categories,
        name="categories",
    ),
    path(
        "communities/<int:community_id>/categories/add/",
        manage_views.category_add,
        name="category-add",
    ),
    path(
        "communities/<int:community_id>/categories/<int:category_id>/",
        manage_views.category_edit,
        name="category-edit",
    ),
    path("communities/<int:community_id>/units/", manage_views.units, name="units"),
    path("communities/<int:community_id>/units/add/", manage_views.unit_form, name="unit-add"),
    path(
        "communities/<int:community_id>/units/<int:unit_id>/",
        manage_views.unit_form,
        name="unit-edit",
    ),
    path("campaigns/", manage_views.campaign_list, name="campaigns"),
    path("campaigns/<int:campaign_id>/", manage_views.campaign_detail, name="campaign"),
    path("campaigns/<int:campaign_id>/edit/", manage_views.campaign_form, name="campaign-edit"),
    path(
        "communities/<int:community_id>/campaigns/add/",
        manage_views.campaign_form,
        name="campaign-add",
    ),
    path("", include("gongzhi.cases.rates_urls")),
]
