from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("community/<int:community_id>/", views.audit_log, name="audit-log"),
]
