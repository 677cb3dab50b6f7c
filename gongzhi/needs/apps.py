from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _url_of(obj) -> str:
    return obj.get_absolute_url()


def _reindex(obj, old: str, new: str) -> None:
    obj.moderation_changed()


class NeedsConfig(AppConfig):
    name = "gongzhi.needs"
    label = "needs"
    verbose_name = _("Needs and proposals")

    def ready(self) -> None:
        from gongzhi.moderation.registry import register

        from .models import Comment, Need

        # Needs and comments can be reported; a moderator's decision re-indexes them.
        register(
            Need,
            text_fields=("title", "text"),
            url_for=_url_of,
            visible_to=Need.objects.visible_to,
            on_status_change=_reindex,
        )
        register(
            Comment,
            text_fields=("text",),
            url_for=_url_of,
            visible_to=Comment.objects.visible_to,
            on_status_change=_reindex,
        )
