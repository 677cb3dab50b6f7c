"""Forms of the case pages. They parse and check input; services do the writing.

Photos are checked by services.clean_photos (through gongzhi.core.images.clean_image), so a
bad photo comes back as a field error on the same form, with everything else kept.
"""

from typing import cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import PHONE_VALIDATOR, Role, RoleAssignment, User
from gongzhi.registry.models import Building, Compound, Grid, Resident

from .models import CallBack, Campaign, Case, Category, HandlingUnit, TimeUnit
from .services import MAX_PHOTOS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def yes_no_field(label):
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        required=False,
    )


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS uploads; checked and re-encoded by the service."""

    widget = MultiplePhotoInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Photos"))
        kwargs.setdefault(
            "help_text", _("Up to %(count)d photos, 10 MB each.") % {"count": MAX_PHOTOS}
        )
        super().__init__(*args, **kwargs)
        # capture opens the camera on a phone, and still lets the gallery be used.
        self.widget.attrs.update({"accept": "image/*", "multiple": True})

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("Attach at most %(count)d photos.") % {"count": MAX_PHOTOS}, code="too_many"
            )
        return files


class CategoryField(forms.TypedChoiceField):
    """Minor classes grouped by major class (an <optgroup> each), returned as Category rows."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("What kind of problem?"))
        super().__init__(*args, coerce=int, **kwargs)
        self.rows: dict[int, Category] = {}

    def set_categories(self, categories) -> None:
        groups: dict[str, list] = {}
        self.rows = {}
        for category in categories:
            self.rows[category.pk] = category
            major = category.parent
            group = f"{major.code} {major.name}" if major else ""
            if category.kind == Category.Kind.COMPONENT:
                group = f"{group} ({Category.Kind(category.kind).label})"
            groups.setdefault(group, []).append((category.pk, f"{category.code} {category.name}"))
        self.choices = [("", "---------"), *groups.items()]

    def clean(self, value):
        pk = super().clean(value)
        if pk in (None, ""):
            return None
        return self.rows[pk]


class BuildingField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.compound.name} {obj.name}"


class PlaceFields(forms.Form):
    """Where: a compound and building of the community, or a free address; optional position."""

    compound = forms.ModelChoiceField(
        label=_("Compound"), queryset=Compound.objects.none(), required=False
    )
    building = BuildingField(label=_("Building"), queryset=Building.objects.none(), required=False)
    address = forms.CharField(
        label=_("Address or landmark"),
        max_length=300,
        required=False,
        help_text=_("Needed when no compound is chosen, e.g. “east end of Aimin Road”."),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )

    def setup_place(self, community) -> None:
        compound = cast(forms.ModelChoiceField, self.fields["compound"])
        building = cast(forms.ModelChoiceField, self.fields["building"])
        compound.queryset = Compound.objects.filter(community=community)
        building.queryset = (
            Building.objects.filter(community=community)
            .select_related("compound")
            .order_by("compound__name", "name")
        )

    def clean(self):
        data = super().clean()
        building, compound = data.get("building"), data.get("compound")
        if building and compound and building.compound_id != compound.pk:
            self.add_error("building", _("This building is not in the chosen compound."))
        if not (compound or building or (data.get("address") or "").strip()):
            self.add_error("address", _("Say where: choose a compound or type an address."))
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        return data


class ReportForm(PlaceFields):
    """A resident reports a problem (web)."""

    field_order = ["category", "text", "compound", "building", "address", "photos"]

    category = CategoryField()
    text = forms.CharField(
        label=_("Describe the problem"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    photos = PhotosField()

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.setup_place(community)
        self.fields["category"].set_categories(
            Category.objects.for_community(community).for_picker()
        )


class PatrolForm(ReportForm):
    """A grid worker reports what they find on patrol: photo first, phone screen."""

    field_order = [
        "photos",
        "category",
        "text",
        "building",
        "compound",
        "address",
        "grid",
        "resident_phone",
        "campaign",
    ]

    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none())
    resident_phone = forms.CharField(
        label=_("Resident who pointed it out (mobile number, optional)"),
        max_length=11,
        required=False,
        validators=[PHONE_VALIDATOR],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("They will follow the case and answer the call-back."),
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False
    )

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].label = _("Photo of the problem")
        self.fields["grid"].queryset = Grid.objects.filter(pk__in=[g.pk for g in grids])
        if len(grids) == 1:
            self.fields["grid"].initial = grids[0].pk
            self.fields["grid"].widget = forms.HiddenInput()
        self.fields["campaign"].queryset = Campaign.objects.filter(community=self.community)

    def clean_resident_phone(self):
        phone = self.cleaned_data.get("resident_phone", "").strip()
        self.resident = None
        if phone:
            self.resident = (
                Resident.objects.filter(community=self.community, phone=phone, status="active")
                .select_related("user")
                .first()
            )
            if self.resident is None:
                raise forms.ValidationError(_("No resident of the community has this number."))
        return phone


class IntakeForm(ReportForm):
    """A worker enters a phone call or a walk-in."""

    field_order = [
        "channel",
        "reporter_name",
        "reporter_phone",
        "category",
        "text",
        "compound",
        "building",
        "address",
        "campaign",
        "photos",
    ]

    channel = forms.ChoiceField(
        label=_("How did they come?"),
        choices=[(Case.Channel.PHONE, _("Phone call")), (Case.Channel.WALK_IN, _("Walk-in"))],
        widget=forms.RadioSelect,
        initial=Case.Channel.PHONE,
    )
    reporter_name = forms.CharField(label=_("Reporter's name"), max_length=50, required=False)
    reporter_phone = forms.CharField(
        label=_("Reporter's mobile number"),
        max_length=11,
        required=False,
        validators=[PHONE_VALIDATOR],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("For the call-back. A resident of the community is linked to the case."),
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.filter(community=self.community)

    def clean(self):
        data = super().clean()
        self.resident = None
        phone = (data.get("reporter_phone") or "").strip()
        if phone:
            self.resident = (
                Resident.objects.filter(community=self.community, phone=phone, status="active")
                .select_related("user")
                .first()
            )
        return data


# --- Actions on a case ---------------------------------------------------------------------


class DispatchForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Handling unit"), queryset=HandlingUnit.objects.none())
    category = CategoryField(label=_("Category"), required=False)
    note = forms.CharField(
        label=_("Instructions"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, case, units, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        # The class's default unit, or else the unit of the grid the place lies in.
        self.fields["unit"].initial = case.category.default_unit_id or next(
            (u.pk for u in units if case.grid_id and u.grid_id == case.grid_id), None
        )
        self.fields["category"].set_categories(categories)
        self.fields["category"].initial = case.category_id


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("What was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = PhotosField(label=_("Photos of the result"))


class CallbackForm(forms.Form):
    """A worker records the reporter's answers (phone or SMS), or that nobody answered."""

    method = forms.ChoiceField(
        label=_("How"),
        choices=[(CallBack.Method.PHONE, _("Phone")), (CallBack.Method.SMS, _("SMS"))],
        widget=forms.RadioSelect,
        initial=CallBack.Method.PHONE,
    )
    answered = yes_no_field(_("Did the reporter answer?"))
    contacted_in_time = yes_no_field(_("Were they contacted in time?"))
    solved = yes_no_field(_("Is the problem solved?"))
    satisfied = yes_no_field(_("Are they satisfied?"))
    comment = forms.CharField(
        label=_("Comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("answered") in (None, ""):
            self.add_error("answered", _("Say whether the reporter answered."))
            return data
        if data["answered"]:
            for name in ("contacted_in_time", "solved", "satisfied"):
                if data.get(name) in (None, ""):
                    self.add_error(name, _("Choose yes or no."))
        return data


class ResidentCallbackForm(forms.Form):
    """The reporter answers the call-back online."""

    contacted_in_time = yes_no_field(_("Did the handler contact you in time?"))
    solved = yes_no_field(_("Is the problem solved?"))
    satisfied = yes_no_field(_("Are you satisfied?"))
    comment = forms.CharField(
        label=_("Anything to add?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        for name in ("contacted_in_time", "solved", "satisfied"):
            if data.get(name) in (None, ""):
                self.add_error(name, _("Choose yes or no."))
        return data


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TimelineNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note for the timeline"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A visit, a phone call, the residents' agreement."),
    )


class MergeForm(forms.Form):
    into = forms.IntegerField(
        label=_("Number of the main case"),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class RedirectForm(forms.Form):
    number = forms.ChoiceField(
        label=_("Emergency number"), choices=Case.Emergency.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class CaseCampaignForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.filter(community_id=case.community_id)
        self.fields["campaign"].initial = case.campaign_id


# --- Filters of the case list --------------------------------------------------------------


class CaseFilterForm(forms.Form):
    """The worker's case list filters (GET)."""

    STATUS_CHOICES = [
        ("", _("All")),
        ("open", _("Open")),
        *Case.Status.choices,
    ]
    DUE_CHOICES = [
        ("", _("Any")),
        ("overdue", _("Overdue")),
        ("nearly", _("Nearly due")),
        ("escalated", _("Escalated to the subdistrict")),
    ]

    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    due = forms.ChoiceField(label=_("Deadline"), choices=DUE_CHOICES, required=False)
    mine = forms.BooleanField(label=_("My units only"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    campaign = forms.TypedChoiceField(label=_("Campaign"), coerce=int, required=False)
    community = forms.TypedChoiceField(label=_("Community"), coerce=int, required=False)

    def __init__(self, *args, communities, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        majors = Category.objects.filter(community__isnull=True, minor_code="").order_by(
            "-kind", "major_code"
        )
        self.fields["category"].choices = [("", _("All"))] + [
            (f"{m.kind}:{m.major_code}", f"{m.major_code} {m.name}") for m in majors
        ]
        self.fields["campaign"].choices = [("", _("All"))] + [(c.pk, c.title) for c in campaigns]
        self.fields["community"].choices = [("", _("All"))] + [(c.pk, c.name) for c in communities]


# --- Admin pages ---------------------------------------------------------------------------


class CategoryEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    time_limit = forms.IntegerField(label=_("Time limit"), min_value=1, max_value=10000)
    time_unit = forms.ChoiceField(label=_("Unit"), choices=TimeUnit.choices)
    filing_criteria = forms.CharField(
        label=_("Filing criteria"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    closing_criteria = forms.CharField(
        label=_("Closing criteria"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    default_unit = forms.ModelChoiceField(
        label=_("Default handling unit"), queryset=HandlingUnit.objects.none(), required=False
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_unit"].queryset = HandlingUnit.objects.filter(
            community=community, is_active=True
        )


class CategoryAddForm(CategoryEditForm):
    major = forms.ModelChoiceField(label=_("Major class"), queryset=Category.objects.none())
    minor_code = forms.RegexField(
        label=_("Minor class code"),
        regex=r"^\d{2}$",
        error_messages={"invalid": _("Use 2 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 2}),
    )

    field_order = ["major", "minor_code", "name"]

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, community=community, **kwargs)
        self.fields["major"].queryset = Category.objects.for_community(community).majors()


class UnitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=HandlingUnit.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none(), required=False)
    compound = forms.ModelChoiceField(
        label=_("Compound"), queryset=Compound.objects.none(), required=False
    )
    phone = forms.CharField(label=_("Service phone"), max_length=20, required=False)
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People with a role in the community; they see and handle the unit's cases."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = Grid.objects.filter(community=community)
        self.fields["compound"].queryset = Compound.objects.filter(community=community)
        self.fields["members"].queryset = staff_of(community)


def staff_of(community):
    """Users holding a staff role in the community, its grids or its compounds."""
    roles = (
        RoleAssignment.objects.filter(
            Q(community=community) | Q(grid__community=community) | Q(compound__community=community)
        )
        .exclude(role=Role.RESIDENT)
        .values("user_id")
    )
    return User.objects.filter(pk__in=roles).order_by("name", "pk")


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE_WIDGET, required=False)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The campaign ends before it starts."))
        return data
