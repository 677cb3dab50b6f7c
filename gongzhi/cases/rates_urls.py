"""URL patterns of the rates pages (included by cases/urls.py)."""

from django.urls import path

from . import rates_views as views

urlpatterns = [
    path("rates/", views.rates, name="rates"),
    path("rates/cases/", views.rate_cases, name="rates-cases"),
]
