"""Fixtures of the needs tests: the shared world plus a neighbour with a login."""

import pytest

from gongzhi.accounts.models import Role
from gongzhi.core.testing import factories as f


@pytest.fixture
def neighbour_user(world):
    """李四 (world.neighbour, other compound) with a login and the resident role."""
    user = f.UserFactory(name="李四")
    world.neighbour.user = user
    world.neighbour.save()
    f.give_role(user, Role.RESIDENT, world.community)
    return user


@pytest.fixture
def screen_holds(monkeypatch):
    """Make moderation's screening hold every submission, with a reason; record the calls."""
    from gongzhi.moderation import screening

    calls = []

    def screen(**kwargs):
        calls.append(kwargs)
        return screening.Screening(held=True, reasons=["test: held"])

    monkeypatch.setattr(screening, "screen", screen)
    return calls


@pytest.fixture
def screen_passes(monkeypatch):
    """Let every submission through screening (tests that post many similar texts quickly)."""
    from gongzhi.moderation import screening

    monkeypatch.setattr(
        screening, "screen", lambda **kwargs: screening.Screening(held=False, reasons=[])
    )


@pytest.fixture
def users(world, neighbour_user):
    """Every role's user, plus "neighbour"."""
    return {**world.users, "neighbour": neighbour_user}


@pytest.fixture
def matrix_need(world, neighbour_user):
    """A need by the neighbour (李四), supported by 张三 (for "withdraw")."""
    from gongzhi.needs.models import Need, Support

    from .helpers import make_need

    need = make_need(world.community, author=neighbour_user, resident=world.neighbour)
    Support.objects.create(need=need, resident=world.resident)  # for "withdraw"
    Need.objects.filter(pk=need.pk).update(support_count=1)
    need.refresh_from_db()
    return need


@pytest.fixture
def matrix_matter(world, users):
    """A matter opened from an adopted need."""
    from gongzhi.matters.services import open_matter

    from .helpers import make_need

    adopted = make_need(world.community, author=users["neighbour"], status="adopted")
    return open_matter(need=adopted, actor=users["community_admin"])
