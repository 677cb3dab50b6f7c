"""URL patterns of the survey respond pages (included by surveys/urls.py)."""

urlpatterns: list = []
