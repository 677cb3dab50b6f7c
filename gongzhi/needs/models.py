"""共谋: needs and proposals residents raise, the supports behind them, and their triage.

A Need belongs to one community. Residents support it (one Support per resident, counted in
Need.support_count inside the same transaction), follow it and comment on it; workers move
it through the states of TRANSITIONS, each move with a public reply kept as a NeedEvent.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStampedModel
from gongzhi.moderation.models import ModerationStatus

from .categories import SEEDED_LABELS
from .querysets import CommentQuerySet, NeedQuerySet

DEFAULT_SUPPORT_THRESHOLD = 20
# A public response within 5 working days is a common statutory limit (DOMAIN.md §3).
DEFAULT_RESPONSE_WORKING_DAYS = 5
MAX_PHOTOS = 6


class NeedSettings(models.Model):
    """A community's rules for its 共谋 board; a community without a row uses the defaults."""

    community = models.OneToOneField(
        "registry.Community", on_delete=models.CASCADE, related_name="need_settings"
    )
    support_threshold = models.PositiveIntegerField(
        _("support threshold"),
        default=DEFAULT_SUPPORT_THRESHOLD,
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
        help_text=_("Proposals with this many supports are flagged for the council agenda."),
    )
    response_working_days = models.PositiveSmallIntegerField(
        _("response time (working days)"),
        default=DEFAULT_RESPONSE_WORKING_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Every need gets a public response within this many working days."),
    )

    class Meta:
        verbose_name = _("needs settings")
        verbose_name_plural = _("needs settings")

    def __str__(self) -> str:
        return str(self.community)

    @classmethod
    def for_community(cls, community) -> "NeedSettings":
        """Return the community's settings, or unsaved defaults when it has none."""
        community_id = getattr(community, "pk", community)
        found = cls.objects.filter(community_id=community_id).first()
        return found or cls(community_id=community_id)


class Category(models.Model):
    """A kind of need on a community's board; seeded ones carry a code and a translated label."""

    community = models.ForeignKey(
        "registry.Community", on_delete=models.CASCADE, related_name="need_categories"
    )
    # Seeded categories have a code, so their label follows the user's language.
    code = models.SlugField(max_length=30, blank=True)
    name = models.CharField(_("name"), max_length=50)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["community_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "code"],
                condition=~Q(code=""),
                name="need_category_code_unique",
            ),
            models.UniqueConstraint(fields=["community", "name"], name="need_category_name_unique"),
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self):
        return SEEDED_LABELS.get(self.code, self.name) if self.code else self.name


class Need(TimeStampedModel):
    """诉求 / 心愿 or 提议: something a resident asks the community for, or proposes."""

    class Kind(models.TextChoices):
        NEED = "need", _("Need")
        PROPOSAL = "proposal", _("Proposal")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        MERGED = "merged", _("Merged")
        DECLINED = "declined", _("Declined")
        ANSWERED = "answered", _("Answered")
        ADOPTED = "adopted", _("Adopted")

    class ConsentMethod(models.TextChoices):
        VERBAL = "verbal", _("In person, spoken")
        WRITTEN = "written", _("In writing")
        PHONE = "phone", _("By phone")

    community = models.ForeignKey(
        "registry.Community", on_delete=models.PROTECT, related_name="needs"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEED)
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"), max_length=5000)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="needs"
    )
    compound = models.ForeignKey(
        "registry.Compound",
        verbose_name=_("compound"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    building = models.ForeignKey(
        "registry.Building",
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    # Who submitted it: the resident, or the worker who raised it on a resident's behalf (代办).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="needs"
    )
    # The resident it speaks for: the author's own record, or the resident who asked a worker.
    resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="needs"
    )
    on_behalf = models.BooleanField(_("raised on a resident's behalf"), default=False)
    consent_method = models.CharField(
        _("how consent was given"), max_length=10, choices=ConsentMethod.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    moderation_status = models.CharField(
        _("moderation"),
        max_length=10,
        choices=ModerationStatus.choices,
        default=ModerationStatus.PUBLISHED,
    )
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_needs"
    )
    response_due_at = models.DateTimeField(_("response due"))
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    last_response_at = models.DateTimeField(_("last response"), null=True, blank=True)
    flagged_for_agenda_at = models.DateTimeField(
        _("flagged for the council agenda"), null=True, blank=True
    )

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        indexes = [
            models.Index(
                fields=["community", "moderation_status", "-created_at", "-id"], name="need_newest"
            ),
            models.Index(
                fields=["community", "moderation_status", "-support_count", "-id"],
                name="need_most_supported",
            ),
            models.Index(
                fields=["community", "moderation_status", "-last_response_at", "-id"],
                name="need_recently_answered",
            ),
            models.Index(
                fields=["community", "status", "first_response_at", "response_due_at"],
                name="need_overdue",
            ),
            # Counts the board's needs from the index alone (no row reads).
            models.Index(
                fields=["community", "moderation_status", "status"], name="need_board_count"
            ),
            # A user's own needs in a community (those waiting for a moderator, above the board).
            models.Index(fields=["author", "community"], name="need_by_author"),
        ]
        constraints = [
            models.CheckConstraint(
                name="need_merged_has_target",
                condition=Q(status="merged", merged_into__isnull=False)
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
            ),
            models.CheckConstraint(
                name="need_on_behalf_has_consent",
                condition=Q(on_behalf=False, consent_method="")
                | (Q(on_behalf=True, resident__isnull=False) & ~Q(consent_method="")),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("needs:detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.moderation_status == ModerationStatus.PUBLISHED

    @property
    def is_overdue(self) -> bool:
        """No public response yet and the community's response time has passed."""
        return self.first_response_at is None and self.response_due_at < timezone.now()

    def moderation_changed(self) -> None:
        """Keep the search index in step after a moderator changed moderation_status."""
        from .indexing import index_need

        index_need(self)


class NeedPhoto(models.Model):
    """A photo of a need, re-encoded without EXIF by gongzhi.core.images.clean_image."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="needs/%Y/%m/")
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["need_id", "position", "id"]

    def __str__(self) -> str:
        return self.image.name or ""


class Support(models.Model):
    """附议: one resident backs one need; the unique constraint makes a second one impossible."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="supports")
    resident = models.ForeignKey(
        "registry.Resident", on_delete=models.CASCADE, related_name="need_supports"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["need", "resident"], name="support_once_per_resident")
        ]
        indexes = [models.Index(fields=["resident", "need"], name="support_by_resident")]

    def __str__(self) -> str:
        return f"{self.resident_id} → {self.need_id}"


class Follow(models.Model):
    """A user who is told of every status change and reply of a need."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="need_follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["need", "user"], name="follow_once")]
        indexes = [models.Index(fields=["user", "need"], name="follow_by_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.need_id}"


class Comment(models.Model):
    """A comment on a need, or a reply to a comment (one level deep, never deeper)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="comments")
    community = models.ForeignKey(
        "registry.Community", on_delete=models.PROTECT, related_name="need_comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=2000)
    moderation_status = models.CharField(
        _("moderation"),
        max_length=10,
        choices=ModerationStatus.choices,
        default=ModerationStatus.PUBLISHED,
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["need_id", "created_at", "id"]
        indexes = [models.Index(fields=["need", "created_at"], name="comment_need_time")]

    def __str__(self) -> str:
        return self.text[:50]

    def get_absolute_url(self) -> str:
        return f"{self.need.get_absolute_url()}#comment-{self.pk}"

    @property
    def is_published(self) -> bool:
        return self.moderation_status == ModerationStatus.PUBLISHED

    def moderation_changed(self) -> None:
        """Keep the search index in step after a moderator changed moderation_status."""
        from .indexing import index_comment

        index_comment(self)


class NeedEvent(models.Model):
    """One line of a need's public history: a status change or reply, with its text."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Raised")
        EDITED = "edited", _("Edited")
        ACCEPTED = "accepted", _("Accepted")
        MERGED = "merged", _("Merged into another need")
        MERGED_IN = "merged_in", _("Another need was merged into this one")
        DECLINED = "declined", _("Declined")
        ANSWERED = "answered", _("Answered")
        ADOPTED = "adopted", _("Adopted")
        REPLIED = "replied", _("Replied")
        FLAGGED = "flagged", _("Flagged for the council agenda")

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="events")
    community = models.ForeignKey(
        "registry.Community", on_delete=models.PROTECT, related_name="need_events"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=10, choices=Need.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Need.Status.choices, blank=True)
    # The public reply that goes with a transition, shown on the need's page.
    text = models.TextField(_("reply"), blank=True, max_length=5000)
    # The other need of a merge (the target on "merged", the duplicate on "merged_in").
    other_need = models.ForeignKey(
        Need, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("need event")
        verbose_name_plural = _("need events")
        ordering = ["need_id", "created_at", "id"]
        indexes = [models.Index(fields=["need", "created_at"], name="need_event_need_time")]

    def __str__(self) -> str:
        return f"{self.need_id} {self.kind}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return f"{reverse('needs:detail', args=[self.need_id])}#event-{self.pk}"
