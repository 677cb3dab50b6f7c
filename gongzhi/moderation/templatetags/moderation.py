"""Template tags for linking content pages to moderation."""

from django import template
from django.urls import reverse

from gongzhi.moderation.registry import entry_by_label

register = template.Library()


@register.simple_tag
def report_url(obj) -> str:
    """Return the report form's URL for a registered moderated object, or ""."""
    label = obj._meta.label_lower
    if entry_by_label(label) is None:
        return ""
    return reverse("moderation:report", args=[label, obj.pk])
