"""Shapes of the registry API: names and phones masked unless a predicate allows more."""

from datetime import date
from decimal import Decimal
from typing import Literal

from django.utils import timezone
from ninja import Field, Schema

from gongzhi.core.masking import mask_name, mask_phone

MAX_LIMIT = 200
# Far beyond any registry; keeps OFFSET inside a 64-bit integer on every database.
MAX_OFFSET = 10_000_000


class PageIn(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="How many rows to return.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many rows to skip.")


class ResidentFilter(PageIn):
    q: str = Field(
        "", max_length=50, description="Name, pinyin, pinyin initials or the phone's last digits."
    )
    building_id: int | None = Field(None, ge=1, le=2**63 - 1)
    status: Literal["active", "moved_out"] | None = None


class Ref(Schema):
    id: int
    name: str


class SubdistrictOut(Schema):
    id: int
    name: str
    code: str


class CommunityRow(Schema):
    id: int
    name: str
    kind: str
    code: str
    full_code: str
    subdistrict: SubdistrictOut


class CommunityPage(Schema):
    count: int
    items: list[CommunityRow]


class OverviewOut(Schema):
    residents_active: int
    elderly: int = Field(description="Active residents aged ELDERLY_AGE (60) or more.")
    elderly_share: float = Field(description="elderly / residents_active, 0 when empty.")
    elderly_age: int
    households: int
    dwellings: int
    grids: int


class CommunityDetail(CommunityRow):
    overview: OverviewOut


class CompoundRow(Schema):
    id: int
    name: str
    kind: str
    buildings: int

    @staticmethod
    def resolve_buildings(obj) -> int:
        return obj.building_count


class CompoundPage(Schema):
    count: int
    items: list[CompoundRow]


class GridRow(Schema):
    id: int
    code: str
    full_code: str = Field(description="County (6) + street (3) + community (3) + grid (3).")
    name: str
    extent: str
    worker_name: str | None
    worker_phone: str | None
    buildings: int

    @staticmethod
    def resolve_buildings(obj) -> int:
        return obj.building_count

    @staticmethod
    def resolve_worker_name(obj) -> str | None:
        return mask_name(obj.worker.name) if obj.worker_id else None

    @staticmethod
    def resolve_worker_phone(obj) -> str | None:
        return mask_phone(obj.worker.phone) if obj.worker_id else None


class GridPage(Schema):
    count: int
    items: list[GridRow]


class GridRef(Schema):
    id: int
    code: str
    full_code: str
    name: str


class DwellingRow(Schema):
    id: int
    number: str
    floor_area: Decimal | None
    area_source: str
    households: int
    residents: int = Field(description="Active residents.")

    @staticmethod
    def resolve_households(obj) -> int:
        return obj.household_count

    @staticmethod
    def resolve_residents(obj) -> int:
        return obj.resident_count


class BuildingDetail(Schema):
    id: int
    name: str
    floors: int | None
    community_id: int
    compound: Ref
    grid: GridRef | None
    dwellings: list[DwellingRow]


class DwellingRef(Schema):
    id: int
    number: str


def _dwelling(resident):
    household = resident.household
    return household.dwelling if household is not None else None


class ResidentRow(Schema):
    """A resident as every list shows them: masked, nothing sensitive."""

    id: int
    name: str
    phone: str
    gender: str
    age: int | None
    status: str
    household_id: int | None
    compound: Ref | None
    building: Ref | None
    dwelling: DwellingRef | None

    @staticmethod
    def resolve_name(obj) -> str:
        return mask_name(obj.name)

    @staticmethod
    def resolve_phone(obj) -> str:
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_age(obj) -> int | None:
        return obj.age_on(timezone.localdate())

    @staticmethod
    def resolve_dwelling(obj):
        return _dwelling(obj)

    @staticmethod
    def resolve_building(obj):
        dwelling = _dwelling(obj)
        return dwelling.building if dwelling is not None else None

    @staticmethod
    def resolve_compound(obj):
        dwelling = _dwelling(obj)
        return dwelling.building.compound if dwelling is not None else None


class ResidentPage(Schema):
    count: int
    items: list[ResidentRow]


class ResidentDetail(ResidentRow):
    community: Ref
    moved_in_on: date | None
    moved_out_on: date | None
    is_party_member: bool | None = Field(
        None, description="Only for roles that may see party membership; null otherwise."
    )

    @staticmethod
    def resolve_is_party_member(obj) -> None:
        # Sensitive (DOMAIN.md §5): the endpoint fills it in only when a predicate allows.
        return None


class UnmaskedOut(Schema):
    id: int
    name: str
    phone: str


class MemberOut(Schema):
    id: int
    name: str = Field(description="Masked, except the resident's own name.")
    is_me: bool


class HomeOut(Schema):
    id: int
    label: str
    compound: Ref | None
    building: Ref | None
    dwelling: DwellingRef | None
    members: list[MemberOut]


class MyRecordFields(Schema):
    """A resident's own record, in full (PIPL: residents may see their own data)."""

    id: int
    name: str
    phone: str
    gender: str
    birth_date: date | None
    status: str
    lives_alone: bool
    has_disability: bool
    low_income: bool
    is_party_member: bool
    moved_in_on: date | None
    moved_out_on: date | None
    community: Ref


class MyRecordOut(MyRecordFields):
    household: HomeOut | None
