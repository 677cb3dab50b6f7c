"""Users who log in with a phone number, and the roles they hold in places."""

import hashlib
import secrets
from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PHONE_VALIDATOR = RegexValidator(r"^1[3-9]\d{9}$", _("Enter a valid 11-digit mobile number."))


class UserManager(BaseUserManager["User"]):
    def create_user(self, phone: str, password: str | None = None, **extra):
        if not phone:
            raise ValueError("phone is required")
        user = self.model(phone=phone, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(phone, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in by mobile number and password."""

    phone = models.CharField(
        _("mobile number"), max_length=11, unique=True, validators=[PHONE_VALIDATOR]
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("admin site access"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.phone

    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


class Role(models.TextChoices):
    SUBDISTRICT_OFFICIAL = "subdistrict_official", _("Subdistrict official")
    COMMUNITY_ADMIN = "community_admin", _("Community admin")
    COMMUNITY_WORKER = "community_worker", _("Community worker")
    GRID_WORKER = "grid_worker", _("Grid worker")
    PARTY_SECRETARY = "party_secretary", _("Party secretary")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee member")
    PROPERTY_MANAGER = "property_manager", _("Property manager")
    RESIDENT = "resident", _("Resident")


# Which place each role is scoped to.
ROLE_SCOPE = {
    Role.SUBDISTRICT_OFFICIAL: "subdistrict",
    Role.COMMUNITY_ADMIN: "community",
    Role.COMMUNITY_WORKER: "community",
    Role.PARTY_SECRETARY: "community",
    Role.GRID_WORKER: "grid",
    Role.OWNERS_COMMITTEE: "compound",
    Role.PROPERTY_MANAGER: "compound",
    Role.RESIDENT: "community",
}


class RoleAssignment(models.Model):
    """A user holds a role in one place: a subdistrict, community, grid or compound."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    subdistrict = models.ForeignKey(
        "registry.Subdistrict", null=True, blank=True, on_delete=models.CASCADE
    )
    community = models.ForeignKey(
        "registry.Community", null=True, blank=True, on_delete=models.CASCADE
    )
    grid = models.ForeignKey("registry.Grid", null=True, blank=True, on_delete=models.CASCADE)
    compound = models.ForeignKey(
        "registry.Compound", null=True, blank=True, on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            # Exactly one place is set, the one the role is scoped to.
            models.CheckConstraint(
                name="role_has_one_place",
                condition=(
                    Q(
                        subdistrict__isnull=False,
                        community__isnull=True,
                        grid__isnull=True,
                        compound__isnull=True,
                    )
                    | Q(
                        subdistrict__isnull=True,
                        community__isnull=False,
                        grid__isnull=True,
                        compound__isnull=True,
                    )
                    | Q(
                        subdistrict__isnull=True,
                        community__isnull=True,
                        grid__isnull=False,
                        compound__isnull=True,
                    )
                    | Q(
                        subdistrict__isnull=True,
                        community__isnull=True,
                        grid__isnull=True,
                        compound__isnull=False,
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        place = self.subdistrict or self.community or self.grid or self.compound
        return f"{self.get_role_display()} @ {place}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for programs; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_raw_token() -> str:
        return "gz_" + secrets.token_urlsafe(32)
