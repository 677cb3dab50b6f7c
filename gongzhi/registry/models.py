"""The community registry (台账): places, homes and people.

Subdistrict -> Community -> Compound -> Building -> Dwelling; Grid groups buildings;
Household lives in a Dwelling (or, in a village, may be unattached); Resident belongs to a
Household; Ownership says who owns a Dwelling. Every row below Community carries its
community_id so that lists are scoped by one indexed column.
"""

from datetime import date
from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import PHONE_VALIDATOR
from gongzhi.core.masking import mask_name
from gongzhi.core.models import TimeStampedModel
from gongzhi.core.text import given_name, pinyin_keys

from .querysets import (
    BuildingQuerySet,
    CommunityQuerySet,
    DwellingQuerySet,
    HouseholdQuerySet,
    ResidentQuerySet,
)


class Subdistrict(TimeStampedModel):
    """街道 / 乡镇: oversees many communities."""

    name = models.CharField(_("name"), max_length=100)
    # County code (GB/T 2260, 6 digits) + street (3 digits), DOMAIN.md §4.
    code = models.CharField(
        _("code"),
        max_length=9,
        unique=True,
        validators=[RegexValidator(r"^\d{9}$", _("Use 9 digits."))],
    )

    class Meta:
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Community(TimeStampedModel):
    """社区 / 村: the unit that runs co-governance."""

    class Kind(models.TextChoices):
        URBAN = "urban", _("Urban community")
        VILLAGE = "village", _("Village")

    subdistrict = models.ForeignKey(
        Subdistrict, on_delete=models.PROTECT, related_name="communities"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.URBAN)
    code = models.CharField(
        _("code"), max_length=3, validators=[RegexValidator(r"^\d{3}$", _("Use 3 digits."))]
    )

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["subdistrict_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["subdistrict", "code"], name="community_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def full_code(self) -> str:
        return f"{self.subdistrict.code}{self.code}"


class Compound(TimeStampedModel):
    """小区, or 村民小组 (villager group) in a village."""

    class Kind(models.TextChoices):
        COMPOUND = "compound", _("Residential compound")
        VILLAGER_GROUP = "villager_group", _("Villager group")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="compounds")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMPOUND)

    class Meta:
        verbose_name = _("compound")
        verbose_name_plural = _("compounds")
        ordering = ["community_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="compound_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Grid(TimeStampedModel):
    """网格: a set of buildings looked after by one grid worker."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="grids")
    code = models.CharField(
        _("grid code"), max_length=3, validators=[RegexValidator(r"^\d{3}$", _("Use 3 digits."))]
    )
    name = models.CharField(_("name"), max_length=100)
    extent = models.CharField(_("extent"), max_length=300, blank=True)
    worker = models.ForeignKey(
        "accounts.User",
        verbose_name=_("grid worker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grids",
    )

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["community_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["community", "code"], name="grid_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def full_code(self) -> str:
        """County (6) + street (3) + community (3) + grid (3), DOMAIN.md §4."""
        return f"{self.community.full_code}{self.code}"


class Building(TimeStampedModel):
    """楼栋; in a village a house counts as a building."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="buildings")
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="buildings")
    grid = models.ForeignKey(
        Grid, null=True, blank=True, on_delete=models.SET_NULL, related_name="buildings"
    )
    name = models.CharField(_("name"), max_length=50)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)

    objects = BuildingQuerySet.as_manager()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["compound_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "name"], name="building_name_unique")
        ]

    def __str__(self) -> str:
        return (
            f"{self.compound.name} {self.name}"
            if "compound" in self._state.fields_cache
            else self.name
        )


class Dwelling(TimeStampedModel):
    """房屋 / 户: one home with its number and exclusive floor area."""

    class AreaSource(models.TextChoices):
        # Counting order for owners' votes: registered, else surveyed, else contract (DOMAIN.md §1).
        REGISTERED = "registered", _("Registered area")
        SURVEYED = "surveyed", _("Surveyed area")
        CONTRACT = "contract", _("Contract area")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="dwellings")
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="dwellings")
    number = models.CharField(_("number"), max_length=20)
    floor_area = models.DecimalField(
        _("floor area (m²)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    area_source = models.CharField(
        _("area source"), max_length=12, choices=AreaSource.choices, blank=True
    )

    objects = DwellingQuerySet.as_manager()

    class Meta:
        verbose_name = _("dwelling")
        verbose_name_plural = _("dwellings")
        ordering = ["building_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="dwelling_number_unique"),
            models.CheckConstraint(
                name="dwelling_area_has_source",
                condition=Q(floor_area__isnull=True) | ~Q(area_source=""),
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Household(TimeStampedModel):
    """家庭 / 住户: the people living in a dwelling (or unattached, in a village)."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="households")
    dwelling = models.ForeignKey(
        Dwelling, null=True, blank=True, on_delete=models.SET_NULL, related_name="households"
    )
    label = models.CharField(_("label"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [
            models.Index(fields=["community", "is_active"], name="household_community_active")
        ]

    def __str__(self) -> str:
        return self.label or f"#{self.pk}"


class Resident(TimeStampedModel):
    """居民 / 村民: a person, with or without a user account."""

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Living here")
        MOVED_OUT = "moved_out", _("Moved out")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="residents")
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="residents"
    )
    user = models.OneToOneField(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="resident"
    )
    name = models.CharField(_("name"), max_length=50)
    name_pinyin = models.CharField(max_length=200, editable=False, default="")
    name_initials = models.CharField(max_length=50, editable=False, default="")
    # The name without the surname, so "建国" finds 张建国 through an index, not a scan.
    name_given = models.CharField(max_length=50, editable=False, default="")
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    phone = models.CharField(
        _("mobile number"), max_length=11, blank=True, validators=[PHONE_VALIDATOR]
    )
    phone_tail = models.CharField(max_length=4, editable=False, default="")
    lives_alone = models.BooleanField(_("elderly living alone"), default=False)
    has_disability = models.BooleanField(_("disability"), default=False)
    low_income = models.BooleanField(_("low income"), default=False)
    # Sensitive (DOMAIN.md §5): shown only to roles that need it, never in lists or exports.
    is_party_member = models.BooleanField(_("party member"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    moved_in_on = models.DateField(_("moved in on"), null=True, blank=True)
    moved_out_on = models.DateField(_("moved out on"), null=True, blank=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["community_id", "name_pinyin", "id"]
        indexes = [
            models.Index(fields=["community", "name_initials"], name="resident_initials"),
            models.Index(fields=["community", "name_pinyin"], name="resident_pinyin"),
            models.Index(fields=["community", "phone_tail"], name="resident_phone_tail"),
            models.Index(fields=["community", "name"], name="resident_name"),
            models.Index(fields=["community", "name_given"], name="resident_given_name"),
            models.Index(fields=["community", "status", "birth_date"], name="resident_age"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_label(self) -> str:
        return mask_name(self.name)

    def save(self, *args, **kwargs):
        self.fill_search_keys()
        super().save(*args, **kwargs)

    def fill_search_keys(self) -> None:
        """Keep the pinyin and phone-tail search columns in step with name and phone."""
        self.name_pinyin, self.name_initials = pinyin_keys(self.name)
        self.name_given = given_name(self.name)
        self.phone_tail = self.phone[-4:] if self.phone else ""

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


class Ownership(TimeStampedModel):
    """业主: who owns a dwelling and with what share (for Civil Code votes)."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="ownerships")
    dwelling = models.ForeignKey(Dwelling, on_delete=models.CASCADE, related_name="ownerships")
    resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="ownerships"
    )
    # An owner who does not live here (not in the registry), by name.
    outside_owner_name = models.CharField(_("outside owner"), max_length=100, blank=True)
    share = models.DecimalField(
        _("share"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.0001"))],
    )
    # Units the developer has not sold or delivered count together as ONE owner (DOMAIN.md §1).
    held_by_developer = models.BooleanField(_("held by the developer"), default=False)

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        constraints = [
            models.CheckConstraint(
                name="ownership_has_one_owner",
                condition=(
                    Q(held_by_developer=True, resident__isnull=True, outside_owner_name="")
                    | Q(held_by_developer=False, resident__isnull=False, outside_owner_name="")
                    | (
                        Q(held_by_developer=False, resident__isnull=True)
                        & ~Q(outside_owner_name="")
                    )
                ),
            ),
            models.CheckConstraint(
                name="ownership_share_range", condition=Q(share__gt=0) & Q(share__lte=1)
            ),
        ]

    def __str__(self) -> str:
        if self.held_by_developer:
            return str(_("Developer"))
        return self.resident.name if self.resident is not None else self.outside_owner_name

    @property
    def owner_key(self) -> str:
        """One key per counted person: the developer is one, a buyer of several units is one."""
        if self.held_by_developer:
            return "developer"
        if self.resident_id:
            return f"resident:{self.resident_id}"
        return f"outside:{self.outside_owner_name.strip()}"


class CorrectionRequest(TimeStampedModel):
    """A resident asks for their data to be corrected (PIPL right to correction)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Corrected")
        REFUSED = "refused", _("Refused")

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="correction_requests"
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="correction_requests"
    )
    text = models.TextField(_("what should be corrected"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    reply = models.TextField(_("reply"), blank=True, max_length=2000)
    handled_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        indexes = [models.Index(fields=["community", "status"], name="correction_community_status")]

    def __str__(self) -> str:
        return f"{self.resident} – {self.get_status_display()}"
