"""URL patterns of the survey builder pages (included by surveys/urls.py)."""

urlpatterns: list = []
