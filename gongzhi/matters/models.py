"""事项: one community matter followed through the five co's, as a timeline of links.

A Matter is opened when a need is adopted. Later capabilities (surveys, meetings, votes,
projects, cases, reviews, notices) only add MatterLink rows through
services.link_to_matter(); the matter page renders the timeline from those rows.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.models import TimeStampedModel


class Stage(models.TextChoices):
    """The five co's (五共), in the order a matter goes through them (SCENARIO.md)."""

    PLAN = "plan", pgettext_lazy("five co's", "Decide together")
    BUILD = "build", pgettext_lazy("five co's", "Build together")
    MANAGE = "manage", pgettext_lazy("five co's", "Manage together")
    EVALUATE = "evaluate", pgettext_lazy("five co's", "Evaluate together")
    SHARE = "share", pgettext_lazy("five co's", "Share the results")


STAGE_ORDER = {stage: index for index, stage in enumerate(Stage.values)}


class Matter(TimeStampedModel):
    """One community matter, from the need it came from to the results it shares."""

    community = models.ForeignKey(
        "registry.Community", on_delete=models.PROTECT, related_name="matters"
    )
    title = models.CharField(_("title"), max_length=100)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.PLAN)
    opened_from = models.OneToOneField(
        "needs.Need",
        verbose_name=_("opened from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matter",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        indexes = [models.Index(fields=["community", "-updated_at"], name="matter_recent")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("matters:detail", args=[self.pk])

    @property
    def stage_number(self) -> int:
        """1 to 5: how far along the five co's the matter has come."""
        return STAGE_ORDER[self.stage] + 1


class MatterLink(models.Model):
    """One entry of a matter's timeline: something another app linked to it."""

    class Kind(models.TextChoices):
        NEED = "need", _("Need")
        REPLY = "reply", _("Reply")
        SURVEY = "survey", _("Survey")
        MEETING = "meeting", _("Meeting")
        VOTE = "vote", _("Vote")
        PROJECT = "project", _("Project")
        CASE = "case", _("Case")
        REVIEW = "review", _("Review")
        NOTICE = "notice", _("Notice")

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="links")
    community = models.ForeignKey(
        "registry.Community", on_delete=models.PROTECT, related_name="matter_links"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    # Stored when linked, so the timeline renders without fetching each object.
    url = models.CharField(max_length=300, blank=True)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("matter link")
        verbose_name_plural = _("matter links")
        ordering = ["matter_id", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "content_type", "object_id", "kind"], name="matter_link_once"
            )
        ]
        indexes = [
            models.Index(fields=["matter", "at"], name="matter_link_time"),
            models.Index(fields=["content_type", "object_id"], name="matter_link_target"),
        ]

    def __str__(self) -> str:
        return self.title
