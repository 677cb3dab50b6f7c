"""Cases (工单 / 事件): reported problems followed from intake to the resident's call-back.

Category is the two-level class table of DOMAIN.md §4 (seeded rows have no community and are
shared; a community edits a shared row by overriding it with its own copy). HandlingUnit is
who does the work. Case moves through an explicit state machine (TRANSITIONS below, one
service per action in services.py); every step leaves a CaseEvent on the timeline. CallBack
holds the resident's answers that the three rates count (DOMAIN.md §3). Campaign (专项行动)
groups cases handled together.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStampedModel

from .querysets import (
    AWAITING_REPLY,
    CampaignQuerySet,
    CaseQuerySet,
    CategoryQuerySet,
    HandlingUnitQuerySet,
)

TWO_DIGITS = RegexValidator(r"^\d{2}$", _("Use 2 digits."))


class TimeUnit(models.TextChoices):
    WORKING_HOURS = "working_hours", _("working hours")
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_HOURS = "calendar_hours", _("calendar hours")


class HandlingUnit(TimeStampedModel):
    """Who handles cases: a grid, a volunteer team, a compound's property company, a department."""

    class Kind(models.TextChoices):
        GRID = "grid", _("Grid")
        TEAM = "team", _("Volunteer team")
        PROPERTY_COMPANY = "property_company", _("Property company")
        DEPARTMENT = "department", _("Department")

    community = models.ForeignKey(
        "registry.Community", on_delete=models.PROTECT, related_name="handling_units"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    grid = models.ForeignKey(
        "registry.Grid", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    compound = models.ForeignKey(
        "registry.Compound", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A public service phone of the unit (not a person's own number).
    phone = models.CharField(_("service phone"), max_length=20, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="case_units", verbose_name=_("members")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = HandlingUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["community_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="handling_unit_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A class of case: major class (2 digits) + minor class (2 digits), DOMAIN.md §4.

    A major class row has an empty minor_code and no parent; cases use minor classes only.
    Rows without a community are the shared seed; a community's own row with the same
    kind and codes overrides the shared one for that community (see for_community()).
    """

    class Kind(models.TextChoices):
        EVENT = "event", _("Event")
        COMPONENT = "component", _("Component")

    community = models.ForeignKey(
        "registry.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="case_categories",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.EVENT)
    major_code = models.CharField(_("major class code"), max_length=2, validators=[TWO_DIGITS])
    minor_code = models.CharField(
        _("minor class code"), max_length=2, blank=True, validators=[TWO_DIGITS]
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="minors",
        verbose_name=_("major class"),
    )
    # The shared row a community's copy overrides.
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="overrides"
    )
    name = models.CharField(_("name"), max_length=100)
    filing_criteria = models.TextField(_("filing criteria"), blank=True, max_length=2000)
    closing_criteria = models.TextField(_("closing criteria"), blank=True, max_length=2000)
    time_limit = models.PositiveIntegerField(
        _("time limit"), default=5, validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    time_unit = models.CharField(
        _("time limit unit"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    default_unit = models.ForeignKey(
        HandlingUnit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="default_for",
        verbose_name=_("default handling unit"),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["kind", "major_code", "minor_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "kind", "major_code", "minor_code"],
                name="category_code_unique_in_community",
                condition=Q(community__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["kind", "major_code", "minor_code"],
                name="category_code_unique_shared",
                condition=Q(community__isnull=True),
            ),
            models.CheckConstraint(
                name="category_minor_has_parent",
                condition=Q(minor_code="", parent__isnull=True)
                | (~Q(minor_code="") & Q(parent__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def code(self) -> str:
        return f"{self.major_code}{self.minor_code}"

    @property
    def is_major(self) -> bool:
        return self.minor_code == ""

    @property
    def time_limit_label(self) -> str:
        return f"{self.time_limit} {self.get_time_unit_display()}"


class Campaign(TimeStampedModel):
    """专项行动 / 整治: a batch of cases handled together, e.g. a clean-up of dead spots."""

    community = models.ForeignKey(
        "registry.Community", on_delete=models.PROTECT, related_name="case_campaigns"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["community", "-starts_on"], name="campaign_community")]
        constraints = [
            models.CheckConstraint(
                name="campaign_ends_after_start",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    DISPATCHED = "dispatched", _("Dispatched")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
    IN_PROGRESS = "in_progress", _("In progress")
    REPLIED = "replied", _("Replied")
    CALLBACK_DONE = "callback_done", _("Called back")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    MERGED = "merged", _("Merged into another case")
    REDIRECTED_EMERGENCY = "redirected_emergency", _("Redirected to emergency services")


# Statuses a case ends in; every other status is open and its deadline runs.
FINAL_STATUSES = frozenset({Status.CLOSED, Status.MERGED, Status.REDIRECTED_EMERGENCY})
OPEN_STATUSES = frozenset(s for s in Status if s not in FINAL_STATUSES)


class Action(models.TextChoices):
    """What happened on a case: the actions of the state machine, and notes."""

    RECEIVE = "receive", _("Received")
    DISPATCH = "dispatch", _("Dispatched")
    ACCEPT = "accept", _("Accepted")
    RETURN = "return", _("Returned")
    START = "start", _("Started")
    REPLY = "reply", _("Replied")
    CALLBACK = "callback", _("Called back")
    CLOSE = "close", _("Closed")
    REOPEN = "reopen", _("Reopened")
    MERGE = "merge", _("Merged")
    REDIRECT = "redirect", _("Redirected to emergency services")
    NOTE = "note", _("Note")


# The state machine: action -> (statuses it may start from, status it leads to).
# The call-back leads to callback_done, or to reopened when the answer is not solved or not
# satisfied (DOMAIN.md §3); services.record_callback picks which.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    Action.DISPATCH: (frozenset({Status.RECEIVED, Status.RETURNED}), Status.DISPATCHED),
    Action.ACCEPT: (frozenset({Status.DISPATCHED}), Status.ACCEPTED),
    Action.RETURN: (frozenset({Status.DISPATCHED, Status.ACCEPTED}), Status.RETURNED),
    Action.START: (frozenset({Status.ACCEPTED, Status.REOPENED}), Status.IN_PROGRESS),
    Action.REPLY: (frozenset({Status.IN_PROGRESS}), Status.REPLIED),
    Action.CALLBACK: (frozenset({Status.REPLIED}), Status.CALLBACK_DONE),
    Action.CLOSE: (frozenset({Status.REPLIED, Status.CALLBACK_DONE}), Status.CLOSED),
    Action.REOPEN: (frozenset({Status.CALLBACK_DONE, Status.CLOSED}), Status.REOPENED),
    Action.MERGE: (
        frozenset(
            {
                Status.RECEIVED,
                Status.DISPATCHED,
                Status.ACCEPTED,
                Status.RETURNED,
                Status.IN_PROGRESS,
                Status.REOPENED,
            }
        ),
        Status.MERGED,
    ),
    Action.REDIRECT: (
        frozenset({Status.RECEIVED, Status.DISPATCHED, Status.RETURNED}),
        Status.REDIRECTED_EMERGENCY,
    ),
}


def allowed_actions(status: str) -> list[str]:
    """Return the state-machine actions a case in this status may take."""
    return [action for action, (sources, _to) in TRANSITIONS.items() if status in sources]


class AlertLevel(models.IntegerChoices):
    """How far a case's deadline alerts went (DOMAIN.md §4: nearly due, overdue, escalated)."""

    NONE = 0, _("none")
    NEARLY_DUE = 1, _("nearly due")
    OVERDUE = 2, _("overdue")
    ESCALATED = 3, _("escalated to the subdistrict")


class Case(TimeStampedModel):
    """A reported problem being handled: who reported it, where, who handles it, by when."""

    Status = Status

    class Channel(models.TextChoices):
        WEB = "web", _("Resident on the web")
        PATROL = "patrol", _("Grid worker patrol")
        PHONE = "phone", _("Phone call")
        WALK_IN = "walk_in", _("Walk-in")
        NEED = "need", _("From a need")
        OPEN311 = "open311", _("Open311 client")

    class Emergency(models.TextChoices):
        POLICE = "110", _("110 police")
        FIRE = "119", _("119 fire")
        AMBULANCE = "120", _("120 ambulance")

    community = models.ForeignKey(
        "registry.Community", on_delete=models.PROTECT, related_name="cases"
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("category")
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("description"), max_length=5000)
    # Where: a compound and building from the registry, or a free address, or both.
    address = models.CharField(_("address"), max_length=300, blank=True)
    compound = models.ForeignKey(
        "registry.Compound", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    building = models.ForeignKey(
        "registry.Building", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The grid the place lies in (from the building, or the reporting grid worker's grid).
    grid = models.ForeignKey(
        "registry.Grid", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # Who entered the case (the resident, or the worker taking a call or patrolling).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The person who reported it: their account (follows the case, answers the call-back
    # online), their registry record, and a contact for the call-back (masked in lists).
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
    )
    reporter_resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    # Reporters of merged duplicates follow this case: they see it and hear of its progress.
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="followed_cases"
    )
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.RECEIVED
    )
    # 首接负责: the first unit dispatched owns the case until it returns it with a reason.
    owner_unit = models.ForeignKey(
        HandlingUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_cases",
        verbose_name=_("responsible unit"),
    )
    current_unit = models.ForeignKey(
        HandlingUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="current_cases",
        verbose_name=_("handling unit"),
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    # Deadline for the reply, in working time from the category (services.deadline_for).
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # From here the case is nearly due (20% of the limit or 4 working hours left).
    warn_at = models.DateTimeField(null=True, blank=True)
    # From here an overdue case is escalated to the subdistrict as well.
    escalate_at = models.DateTimeField(null=True, blank=True)
    # How far the deadline alerts for the current deadline have gone (escalation.py sends
    # each once); new deadlines start again at NONE.
    alert_level = models.PositiveSmallIntegerField(
        choices=AlertLevel.choices, default=AlertLevel.NONE
    )
    dispatched_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The latest solution text, as also kept on the timeline (Open311 status_notes).
    reply_text = models.TextField(_("reply"), blank=True, max_length=5000)
    # The call-back round the next answer belongs to; every reopening starts a new round.
    callback_round = models.PositiveSmallIntegerField(default=1)
    # PROTECT: a merged case must keep its main case (case_merged_has_target).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    emergency_number = models.CharField(
        _("emergency number"), max_length=3, choices=Emergency.choices, blank=True
    )
    # The need (诉求) this case was made from, when a worker turned one into a case.
    need = models.ForeignKey(
        "needs.Need", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    # A photo URL given by an Open311 client (media_url).
    media_url = models.URLField(_("photo link"), blank=True, max_length=500)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The lists' order, id included: PostgreSQL then pages through ids in the index
            # alone (page 400 of a community read 10,000 rows from the table: 40 ms).
            models.Index(fields=["community", "-created_at", "-id"], name="case_community_created"),
            models.Index(
                fields=["community", "status", "-created_at", "-id"], name="case_community_status"
            ),
            # On-time closure (rates.py): closed cases of a window, with every grouping, read
            # from the index alone. It also serves the overdue and nearly-due lists on SQLite,
            # which cannot use the partial index below when the statuses come as bound
            # parameters: given (community, due_at) it walked a whole community instead.
            models.Index(
                fields=[
                    "community",
                    "status",
                    "closed_at",
                    "due_at",
                    "grid",
                    "owner_unit",
                    "category",
                ],
                name="case_closed",
            ),
            # The overdue, nearly-due and escalation lists read only cases awaiting a reply.
            models.Index(
                fields=["community", "due_at", "warn_at", "escalate_at"],
                name="case_awaiting_reply",
                condition=Q(status__in=AWAITING_REPLY),
            ),
            models.Index(fields=["community", "category"], name="case_community_category"),
            models.Index(fields=["current_unit", "status"], name="case_unit_status"),
            models.Index(fields=["grid", "status"], name="case_grid_status"),
            models.Index(fields=["reporter", "-created_at"], name="case_reporter"),
            models.Index(fields=["category", "created_at"], name="case_category_created"),
            models.Index(fields=["campaign", "status"], name="case_campaign_status"),
        ]
        constraints = [
            models.CheckConstraint(
                name="case_merged_has_target",
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
            ),
            models.CheckConstraint(
                name="case_redirect_has_number",
                condition=~Q(status="redirected_emergency") | ~Q(emergency_number=""),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status not in FINAL_STATUSES

    @property
    def awaits_reply(self) -> bool:
        """Its reply deadline still runs (overdue and nearly-due flags, deadline alerts)."""
        return self.status in AWAITING_REPLY

    def allowed_actions(self) -> list[str]:
        return allowed_actions(self.status)


class CaseEvent(models.Model):
    """One step on a case's timeline: who did what, when, from which status to which."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    from_status = models.CharField(max_length=24, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=Status.choices, blank=True)
    unit = models.ForeignKey(
        HandlingUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("text"), blank=True, max_length=5000)
    # Small structured facts: the emergency number, the merged case, the call-back answers.
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case_id", "at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_timeline")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class CasePhoto(models.Model):
    """A photo of the problem (with the report) or of the result (with the reply)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos"
    )
    # Always re-encoded by gongzhi.core.images.clean_image before it is saved.
    image = models.ImageField(_("photo"), upload_to="cases/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case photo")
        verbose_name_plural = _("case photos")
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return self.image.name or ""


class CallBack(models.Model):
    """回访: the reporter asked whether they were contacted in time, helped, satisfied.

    One answered call-back per round (Case.callback_round); the three rates count each case's
    latest answered call-back (is_latest). An unanswered attempt keeps the three answers empty.
    """

    class Method(models.TextChoices):
        PHONE = "phone", _("Phone")
        SMS = "sms", _("SMS")
        ONLINE = "online", _("Online")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="callbacks")
    # Carried from the case so the rates aggregate one table by one indexed column.
    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(default=1)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    answered = models.BooleanField(_("reached the reporter"), default=True)
    contacted_in_time = models.BooleanField(_("contacted in time"), null=True, blank=True)
    solved = models.BooleanField(_("solved"), null=True, blank=True)
    satisfied = models.BooleanField(_("satisfied"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    is_latest = models.BooleanField(default=False)
    # Copies of the case's grid, responsible unit and category when the call-back was made
    # (they do not change after a reply), so the rates group call-backs without joining a
    # million cases. Only the rates index reads them, so they get no index of their own.
    grid = models.ForeignKey(
        "registry.Grid",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    owner_unit = models.ForeignKey(
        HandlingUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    category = models.ForeignKey(
        Category, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("call-back")
        verbose_name_plural = _("call-backs")
        ordering = ["case_id", "at", "id"]
        indexes = [
            # Covers every rate table: the window, each grouping and the three answers.
            models.Index(
                fields=[
                    "community",
                    "is_latest",
                    "at",
                    "grid",
                    "owner_unit",
                    "category",
                    "contacted_in_time",
                    "solved",
                    "satisfied",
                ],
                name="callback_rates",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "round"],
                name="callback_one_answer_per_round",
                condition=Q(answered=True),
            ),
            models.UniqueConstraint(
                fields=["case"], name="callback_one_latest", condition=Q(is_latest=True)
            ),
            models.CheckConstraint(
                name="callback_answers_iff_answered",
                condition=Q(
                    answered=True,
                    contacted_in_time__isnull=False,
                    solved__isnull=False,
                    satisfied__isnull=False,
                )
                | Q(
                    answered=False,
                    contacted_in_time__isnull=True,
                    solved__isnull=True,
                    satisfied__isnull=True,
                    is_latest=False,
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} round {self.round}"

    def copy_case(self, case: Case) -> None:
        """Carry the case's community, grid, responsible unit and category (for the rates)."""
        self.community_id = case.community_id
        self.grid_id = case.grid_id
        self.owner_unit_id = case.owner_unit_id
        self.category_id = case.category_id

    @property
    def is_dissatisfied(self) -> bool:
        """Not solved or not satisfied: the case goes back for re-handling."""
        return self.answered and not (self.solved and self.satisfied)
