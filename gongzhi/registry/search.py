"""Find residents by name, pinyin initials ("zs" → 张三), full pinyin or phone tail."""

import re

from django.db.models import Q

from gongzhi.core.text import prefix_range

from .models import Community, Resident

LATIN = re.compile(r"^[a-z]+$")
DIGITS = re.compile(r"^\d+$")


def search_residents(user, community: Community, q: str):
    """Return the residents of community the user may see that match q, best matches first.

    Four digits match the phone's last four; Latin letters match pinyin initials or full
    pinyin as a prefix; Chinese text matches the start of the full name or of the given name
    (张 or 张建 or 建国 for 张建国). Every branch is a range on an index (community, key).
    """
    base = Resident.objects.visible_to(user).filter(community=community)
    q = (q or "").strip().lower().replace(" ", "")
    if not q:
        return base.order_by("name_pinyin", "id")
    if DIGITS.match(q):
        if len(q) == 4:
            return base.filter(phone_tail=q).order_by("name_pinyin", "id")
        return base.filter(phone__contains=q).order_by("name_pinyin", "id")
    if LATIN.match(q):
        low, high = prefix_range(q)
        return base.filter(
            Q(name_initials__gte=low, name_initials__lt=high)
            | Q(name_pinyin__gte=low, name_pinyin__lt=high)
        ).order_by("name_initials", "name_pinyin", "id")
    low, high = prefix_range(q)
    return base.filter(
        Q(name__gte=low, name__lt=high) | Q(name_given__gte=low, name_given__lt=high)
    ).order_by("name_pinyin", "id")
