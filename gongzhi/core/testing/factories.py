"""factory_boy factories shared by every app's tests."""

import itertools
from datetime import date
from decimal import Decimal

import factory

from gongzhi.accounts.models import Role, RoleAssignment, User
from gongzhi.registry import models as reg

_phones = itertools.count(13800000000)


def next_phone() -> str:
    return str(next(_phones))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.LazyFunction(next_phone)
    name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-9")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class SubdistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = reg.Subdistrict

    name = factory.Sequence(lambda n: f"街道{n}")
    code = factory.Sequence(lambda n: f"{429005000 + n:09d}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = reg.Community

    subdistrict = factory.SubFactory(SubdistrictFactory)
    name = factory.Sequence(lambda n: f"社区{n}")
    code = factory.Sequence(lambda n: f"{n % 1000:03d}")


class CompoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = reg.Compound

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"小区{n}")


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = reg.Grid

    community = factory.SubFactory(CommunityFactory)
    code = factory.Sequence(lambda n: f"{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"网格{n}")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = reg.Building

    compound = factory.SubFactory(CompoundFactory)
    community = factory.SelfAttribute("compound.community")
    name = factory.Sequence(lambda n: f"{n}栋")


class DwellingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = reg.Dwelling

    building = factory.SubFactory(BuildingFactory)
    community = factory.SelfAttribute("building.community")
    number = factory.Sequence(lambda n: f"{100 + n}")
    floor_area = Decimal("85.50")
    area_source = reg.Dwelling.AreaSource.REGISTERED


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = reg.Household

    dwelling = factory.SubFactory(DwellingFactory)
    community = factory.SelfAttribute("dwelling.community")


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = reg.Resident

    household = factory.SubFactory(HouseholdFactory)
    community = factory.SelfAttribute("household.community")
    name = factory.Iterator(["张三", "李四", "王五", "赵六", "陈小明", "刘德华"])
    gender = reg.Resident.Gender.MALE
    birth_date = date(1950, 5, 1)
    phone = factory.LazyFunction(next_phone)


def give_role(user: User, role: str, place) -> RoleAssignment:
    """Assign user a role in place (a Subdistrict, Community, Grid or Compound)."""
    field = {
        reg.Subdistrict: "subdistrict",
        reg.Community: "community",
        reg.Grid: "grid",
        reg.Compound: "compound",
    }[type(place)]
    return RoleAssignment.objects.create(user=user, role=role, **{field: place})


__all__ = ["Role", "give_role"]
