"""Questionnaires (问卷), who answered them, and door-to-door visits (入户走访).

Anonymity rule: a Response never points at a person or household. Who has taken part is kept
apart, in Participation, so coverage can be counted and double answers refused while the
answers themselves stay unlinked (anonymous surveys). Named surveys link the Response too.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStampedModel

from .querysets import SurveyQuerySet


class Survey(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Unit(models.TextChoices):
        HOUSEHOLD = "household", _("One answer per household")
        RESIDENT = "resident", _("One answer per resident")

    class Audience(models.TextChoices):
        COMMUNITY = "community", _("The whole community")
        COMPOUNDS = "compounds", _("Chosen compounds")
        BUILDINGS = "buildings", _("Chosen buildings")

    community = models.ForeignKey(
        "registry.Community", on_delete=models.PROTECT, related_name="surveys"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    unit = models.CharField(
        _("unit of response"), max_length=10, choices=Unit.choices, default=Unit.HOUSEHOLD
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.COMMUNITY
    )
    audience_compounds = models.ManyToManyField("registry.Compound", blank=True, related_name="+")
    audience_buildings = models.ManyToManyField("registry.Building", blank=True, related_name="+")
    # A filtered group on top of the places, e.g. residents aged 60 or over.
    audience_min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    results_published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        indexes = [models.Index(fields=["community", "status"], name="survey_community_status")]
        constraints = [
            models.CheckConstraint(
                name="survey_closes_after_opens",
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_accepting(self, now=None) -> bool:
        """Open, and within its opening and closing times."""
        now = now or timezone.now()
        if self.status != self.Status.OPEN:
            return False
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)


class Section(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["survey_id", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        YES_NO = "yes_no", _("Yes / no")
        RATING = "rating", _("Rating 1–5")
        NUMBER = "number", _("Number")
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=True)
    max_choices = models.PositiveSmallIntegerField(
        _("at most this many choices"), null=True, blank=True
    )
    min_value = models.DecimalField(
        _("minimum"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Show this question only when an earlier question's answer is one of show_if_values
    # (option ids for choice questions, "yes"/"no" for yes/no, numbers as strings for ratings).
    show_if_question = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="dependants"
    )
    show_if_values = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["survey_id", "position", "id"]
        indexes = [models.Index(fields=["survey", "position"], name="question_survey_position")]

    def __str__(self) -> str:
        return self.text


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("label"), max_length=200)

    class Meta:
        ordering = ["question_id", "position", "id"]

    def __str__(self) -> str:
        return self.label


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    CODE = "code", _("Household code (poster)")
    VISIT = "visit", _("Door-to-door visit")
    PAPER = "paper", _("Paper, entered by a worker")


class AgeGroup(models.TextChoices):
    ELDERLY = "60+", _("60 or over")
    UNDER_60 = "under60", _("Under 60")
    UNKNOWN = "unknown", _("Unknown")


class Participation(models.Model):
    """That a household or resident has answered: for coverage and one-answer rules only."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "household"],
                condition=Q(household__isnull=False),
                name="participation_one_per_household",
            ),
            models.UniqueConstraint(
                fields=["survey", "resident"],
                condition=Q(resident__isnull=False),
                name="participation_one_per_resident",
            ),
            models.CheckConstraint(
                name="participation_has_someone",
                condition=Q(household__isnull=False) | Q(resident__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.household_id or self.resident_id}"


class Response(models.Model):
    """One submitted questionnaire. Named surveys link the respondent; anonymous ones never do.

    compound, building and age group are kept for breakdowns (groups, not people). The key is
    a random UUID and anonymous responses keep only the day they came in, so neither the
    order of ids nor a timestamp can pair a response with its Participation row.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    submitted_at = models.DateTimeField(default=timezone.now)
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    compound = models.ForeignKey(
        "registry.Compound", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    building = models.ForeignKey(
        "registry.Building", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    age_group = models.CharField(max_length=8, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN)
    # Who typed it in (visits, paper); not the respondent.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["survey", "submitted_at"], name="response_survey_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "household"],
                condition=Q(household__isnull=False),
                name="response_one_per_household",
            ),
            models.UniqueConstraint(
                fields=["survey", "resident"],
                condition=Q(resident__isnull=False),
                name="response_one_per_resident",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.channel} {self.submitted_at:%Y-%m-%d}"


class Answer(models.Model):
    """One answer to one question; a multiple choice gives one row per chosen option.

    Random keys, like Response's: sequential ids would give away the order answers came in,
    which could be paired with the order of Participation rows or visits.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(
        Option, null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
    )
    number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    text = models.TextField(blank=True, max_length=5000)

    class Meta:
        indexes = [
            models.Index(fields=["question", "option"], name="answer_question_option"),
            models.Index(fields=["question", "number"], name="answer_question_number"),
            # Distinct respondents per question (multiple choice) read this, not the table.
            models.Index(fields=["question", "response"], name="answer_question_response"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.option_id or self.number or self.text[:20]}"


class Tally(models.Model):
    """A running count behind the results page, which then reads a few rows, not every answer.

    submit_response() adds each response to its survey's tallies in the transaction that
    stores its answers, with F() increments, so answers arriving together stay exact; answers
    are never changed or removed afterwards. rebuild_tallies() recounts a survey whose answers
    were written some other way (the demo and bench loaders, the migration). One row per:
    - channel (no question): responses that came in that way;
    - question: the people who answered it; for a number question also the sum of the numbers,
      the lowest and the highest;
    - question and option: how often the option was chosen;
    - question and value: yes/no answers (1 yes, 0 no) and ratings of that value.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tallies")
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    option = models.ForeignKey(
        Option, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    value = models.SmallIntegerField(null=True, blank=True)
    count = models.PositiveIntegerField(default=0)
    total = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    low = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    high = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [
            # Empty keys as 0 / -1 (no option or question has id 0, no value is -1): rows with
            # NULLs would never clash, and a second row for one key would split its count.
            models.UniqueConstraint(
                F("survey"),
                F("channel"),
                Coalesce(F("question"), Value(0)),
                Coalesce(F("option"), Value(0)),
                Coalesce(F("value"), Value(-1)),
                name="tally_one_row_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.count}"


def new_household_code() -> str:
    """Eight characters without look-alikes (no 0/O, 1/I/L), easy to read to an elder."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class HouseholdCode(models.Model):
    """A one-time code printed on a slip for a household, used with the building's poster."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="household_codes")
    household = models.ForeignKey("registry.Household", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=8, unique=True, default=new_household_code)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "household"], name="one_code_per_household")
        ]

    def __str__(self) -> str:
        return self.code


class Visit(models.Model):
    """A worker's door-to-door visit to a household for a survey (the latest outcome counts)."""

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        NOT_HOME = "not_home", _("Not at home")
        DECLINED = "declined", _("Declined")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="visits")
    household = models.ForeignKey("registry.Household", on_delete=models.CASCADE, related_name="+")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    revisit_on = models.DateField(_("revisit on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["survey", "household", "-at"], name="visit_survey_household")
        ]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.outcome}"


class VisitDraft(models.Model):
    """A half-filled questionnaire on a worker's phone, saved as they go."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey("registry.Household", on_delete=models.CASCADE, related_name="+")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "household", "worker"], name="one_draft_per_visit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.household_id}"
