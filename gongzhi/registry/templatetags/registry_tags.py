from datetime import date

from django import template

from gongzhi.core.masking import mask_name, mask_phone

register = template.Library()


@register.filter
def masked_name(value: str) -> str:
    return mask_name(value)


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value)


@register.filter
def age(birth_date: date | None) -> int | str:
    """Return the age in whole years today, or an empty string when unknown."""
    if birth_date is None:
        return ""
    today = date.today()
    years = today.year - birth_date.year
    if (today.month, today.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


@register.filter
def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs) -> str:
    """Return the current query string with some parameters replaced."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        params[key] = value
    return params.urlencode()
