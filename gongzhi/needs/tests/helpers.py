"""Shared test helpers for needs: rows made directly (fast) or through the services (real)."""

from datetime import timedelta

from django.utils import timezone

from gongzhi.accounts.models import Role
from gongzhi.core.testing import factories as f
from gongzhi.needs.categories import ensure_categories
from gongzhi.needs.models import Need, NeedEvent, Support


def category_of(community, code="facilities"):
    return next(c for c in ensure_categories(community) if c.code == code)


def make_need(community, *, author=None, resident=None, **fields):
    """A published, submitted need written straight to the database."""
    fields.setdefault("title", "小区路灯不亮")
    fields.setdefault("text", "三号楼前的路灯坏了一个月，晚上老人出门不安全。")
    fields.setdefault("category", category_of(community))
    fields.setdefault("response_due_at", timezone.now() + timedelta(days=7))
    need = Need.objects.create(community=community, author=author, resident=resident, **fields)
    NeedEvent.objects.create(
        need=need, community=community, kind=NeedEvent.Kind.CREATED, actor=author
    )
    return need


def resident_user(community, building=None, name="赵六", role=True):
    """A resident of the community (in building, if given) with a login and the resident role."""
    if building is not None:
        resident = f.ResidentFactory(household__dwelling__building=building, name=name)
    else:
        resident = f.ResidentFactory(household__dwelling__building__compound__community=community)
        resident.name = name
    user = f.UserFactory(name=name)
    resident.user = user
    resident.save()
    if role:
        f.give_role(user, Role.RESIDENT, community)
    return user, resident


def add_supports(need, residents) -> None:
    """Supports written straight to the database, with the count kept in step."""
    Support.objects.bulk_create([Support(need=need, resident=r) for r in residents])
    Need.objects.filter(pk=need.pk).update(support_count=Support.objects.filter(need=need).count())
    need.refresh_from_db()
