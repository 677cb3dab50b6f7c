from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "gongzhi.moderation"
    label = "moderation"
