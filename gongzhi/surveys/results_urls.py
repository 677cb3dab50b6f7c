"""URL patterns of the survey results pages (included by surveys/urls.py)."""

urlpatterns: list = []
