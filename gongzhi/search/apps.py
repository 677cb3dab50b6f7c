from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "gongzhi.search"
    label = "search"
