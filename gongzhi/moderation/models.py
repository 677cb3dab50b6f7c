"""Moderation: statuses of moderatable content, reports, cases, blocked words, fingerprints.

Content of other apps (needs, comments…) is moderated through its content type and id, so
this app knows nothing of their tables: a model joins by calling registry.register().
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ModerationStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    HELD = "held", _("Held for review")
    HIDDEN = "hidden", _("Hidden pending review")
    REMOVED = "removed", _("Removed")


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Abuse or harassment")
    PERSONAL_DATA = "personal_data", _("Someone's personal data")
    OFF_TOPIC = "off_topic", _("Off topic")
    OTHER = "other", _("Something else")


# Defaults for communities that have not changed their settings; a deployment may override
# them in Django settings (MODERATION_REPORT_THRESHOLD and so on).
DEFAULTS = {
    "report_threshold": 3,
    "flood_max_posts": 5,
    "flood_window_minutes": 10,
    "duplicate_window_days": 7,
}


def default_for(name: str) -> int:
    """Return the deployment's default for one community moderation setting."""
    return int(getattr(settings, f"MODERATION_{name.upper()}", DEFAULTS[name]))


class ModerationSettings(models.Model):
    """A community's own moderation numbers; a community without a row uses the defaults."""

    community = models.OneToOneField(
        "registry.Community", on_delete=models.CASCADE, related_name="moderation_settings"
    )
    report_threshold = models.PositiveSmallIntegerField(
        _("reports that hide a post"),
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("After this many reports a post is hidden until a moderator decides."),
    )
    flood_max_posts = models.PositiveSmallIntegerField(
        _("posts allowed in the flood window"),
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    flood_window_minutes = models.PositiveSmallIntegerField(
        _("flood window (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(1440)]
    )
    duplicate_window_days = models.PositiveSmallIntegerField(
        _("look for repeated texts over (days)"),
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("moderation settings")
        verbose_name_plural = _("moderation settings")

    def __str__(self) -> str:
        return str(self.community)


class BlockedWord(models.Model):
    """A word or phrase that sends a post to review: in one community, or everywhere."""

    community = models.ForeignKey(
        "registry.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="blocked_words",
        help_text=_("Empty: the word applies in every community."),
    )
    word = models.CharField(_("word or phrase"), max_length=50)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("blocked word")
        verbose_name_plural = _("blocked words")
        ordering = ["word", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "word"],
                condition=Q(community__isnull=False),
                name="blocked_word_unique_in_community",
            ),
            models.UniqueConstraint(
                fields=["word"],
                condition=Q(community__isnull=True),
                name="blocked_word_unique_global",
            ),
        ]

    def __str__(self) -> str:
        return self.word


class ScreenedText(models.Model):
    """The fingerprint of one screened submission: what duplicate and flood checks look at.

    The 64-bit simhash is also stored as four 16-bit bands. Two texts within Hamming
    distance 7 have a band within distance 1 of each other (if all four differed in 2 bits
    or more, the texts would differ in 8), so the candidates come from indexed lookups of
    each band and its 16 one-bit neighbours.
    """

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=32)
    # "app_label.model:pk" of the content being edited, so an edit is no duplicate of itself.
    source = models.CharField(max_length=80, blank=True)
    simhash = models.BigIntegerField(null=True, blank=True)
    band0 = models.PositiveIntegerField(null=True, blank=True)
    band1 = models.PositiveIntegerField(null=True, blank=True)
    band2 = models.PositiveIntegerField(null=True, blank=True)
    band3 = models.PositiveIntegerField(null=True, blank=True)
    held = models.BooleanField(default=False)
    # No index of its own: with statistics, SQLite would range-scan it for the duplicate
    # check instead of the band indexes. Pruning old rows once a day can afford a scan.
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["author", "created_at"], name="screened_author_at"),
            models.Index(fields=["community", "band0", "created_at"], name="screened_band0"),
            models.Index(fields=["community", "band1", "created_at"], name="screened_band1"),
            models.Index(fields=["community", "band2", "created_at"], name="screened_band2"),
            models.Index(fields=["community", "band3", "created_at"], name="screened_band3"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class ModerationCase(models.Model):
    """One moderated item's file: why it waits, what moderators decided, the author's appeal.

    An item has at most one case. It opens when screening holds the item, when reports hide
    it, or when its author appeals a removal, and closes with a decision.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for a moderator")
        CLOSED = "closed", _("Decided")

    class Trigger(models.TextChoices):
        SCREENING = "screening", _("Held at submission")
        REPORTS = "reports", _("Hidden after reports")

    class Outcome(models.TextChoices):
        NONE = "", _("Not decided")
        RESTORED = "restored", _("Restored")
        REMOVED = "removed", _("Removed")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    community = models.ForeignKey(
        "registry.Community", on_delete=models.CASCADE, related_name="moderation_cases"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    trigger = models.CharField(_("opened because"), max_length=10, choices=Trigger.choices)
    # Screening findings as {"code", "params"}: rendered in the moderator's language.
    findings = models.JSONField(default=list, blank=True)
    # The text as it was when the case opened: what was screened or reported.
    excerpt = models.TextField(blank=True)
    outcome = models.CharField(
        _("decision"), max_length=10, choices=Outcome.choices, default="", blank=True
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    appealed_at = models.DateTimeField(null=True, blank=True)
    appeal_text = models.TextField(_("appeal"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("moderation case")
        verbose_name_plural = _("moderation cases")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="moderation_case_one_per_item"
            ),
        ]
        indexes = [
            models.Index(fields=["community", "state", "-updated_at"], name="moderation_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} ({self.state})"

    @property
    def appealed(self) -> bool:
        return self.appealed_at is not None


class CaseEvent(models.Model):
    """One step of a case: held, hidden, restored, removed, appealed. Never changed."""

    class Action(models.TextChoices):
        HELD = "held", _("Held at submission")
        HIDDEN = "hidden", _("Hidden after reports")
        RESTORED = "restored", _("Restored")
        REMOVED = "removed", _("Removed")
        APPEALED = "appealed", _("Appealed by the author")

    case = models.ForeignKey(ModerationCase, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    # None when the system acted (screening, the report threshold).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"


class Report(models.Model):
    """A user's report of a post or comment: one per user per item."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    community = models.ForeignKey(
        "registry.Community", on_delete=models.CASCADE, related_name="moderation_reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_reports"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    text = models.TextField(_("details"), blank=True, max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a moderator decides: only reports made since the last decision count.
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "reporter"], name="report_once_per_item"
            ),
        ]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "resolved_at"], name="report_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.created_at:%Y-%m-%d}"
