"""Forms of the 共谋 pages. They parse and check input; services do the writing."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongzhi.core.images import clean_image
from gongzhi.registry.models import Building, Compound, Resident

from .models import MAX_PHOTOS, Category, Need, NeedSettings
from .transitions import ACTIONS

TITLE_MAX = 100
TEXT_MAX = 5000


class CategoryField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class BuildingField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.compound.name} {obj.name}"


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS photos, each re-encoded without EXIF by clean_image()."""

    widget = MultiplePhotoInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"accept": "image/*", "multiple": True})

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("Add at most 6 photos."), code="too_many")
        return [clean_image(upload) for upload in files]


def _limit_choices(form: forms.Form, community, categories) -> None:
    """Offer the community's own categories, compounds and buildings only."""
    ids = [c.pk for c in categories]
    choices = {
        "category": Category.objects.filter(pk__in=ids).order_by("position", "id"),
        "compound": Compound.objects.filter(community=community),
        "building": Building.objects.filter(community=community).select_related("compound"),
    }
    for name, queryset in choices.items():
        field = form.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset


class NeedForm(forms.Form):
    """Raise a need or proposal; workers who may act for residents get the 代办 fields."""

    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=Need.Kind.choices,
        initial=Need.Kind.NEED,
        widget=forms.RadioSelect,
        help_text=_("A need is a problem or a wish; a proposal is an idea for the community."),
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    text = forms.CharField(
        label=_("Describe it"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
    category = CategoryField(label=_("Category"), queryset=Category.objects.none())
    compound = forms.ModelChoiceField(
        label=_("Compound (optional)"), queryset=Compound.objects.none(), required=False
    )
    building = BuildingField(
        label=_("Building (optional)"), queryset=Building.objects.none(), required=False
    )
    photos = PhotosField(label=_("Photos (optional, up to 6)"))

    def __init__(self, *args, community, categories, for_others: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.for_others = for_others
        _limit_choices(self, community, categories)
        if for_others:
            self.fields["on_behalf_of"] = forms.ModelChoiceField(
                label=_("The resident who asked"),
                queryset=Resident.objects.filter(
                    community=community, status=Resident.Status.ACTIVE
                ),
                required=False,
                widget=forms.HiddenInput,
            )
            self.fields["consent"] = forms.BooleanField(
                label=_("The resident agreed that I raise this for them"), required=False
            )
            self.fields["consent_method"] = forms.ChoiceField(
                label=_("How they agreed"),
                choices=[("", _("Choose…")), *Need.ConsentMethod.choices],
                required=False,
            )

    def clean(self):
        data = super().clean()
        if not self.for_others or not data.get("on_behalf_of"):
            return data
        if not data.get("consent"):
            self.add_error("consent", _("Raise it for a resident only with their consent."))
        if not data.get("consent_method"):
            self.add_error("consent_method", _("Say how the resident agreed."))
        return data


class EditNeedForm(forms.Form):
    """Change a need's wording, category and place before the community responds."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    text = forms.CharField(
        label=_("Describe it"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
    category = CategoryField(label=_("Category"), queryset=Category.objects.none())
    compound = forms.ModelChoiceField(
        label=_("Compound (optional)"), queryset=Compound.objects.none(), required=False
    )
    building = BuildingField(
        label=_("Building (optional)"), queryset=Building.objects.none(), required=False
    )

    def __init__(self, *args, community, categories, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_choices(self, community, categories)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class TriageForm(forms.Form):
    """One triage move with its public reply; merging names the need it goes into."""

    to_status = forms.ChoiceField(
        label=_("Step"), choices=[(value, label) for value, label in ACTIONS]
    )
    reply = forms.CharField(
        label=_("Public reply"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Everyone who can see the need reads this reply."),
    )
    merge_into = forms.IntegerField(
        label=_("Number of the need to merge into"), required=False, min_value=1
    )

    def clean(self):
        data = super().clean()
        if data.get("to_status") == Need.Status.MERGED and not data.get("merge_into"):
            self.add_error("merge_into", _("Give the number of the need to merge into."))
        return data


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Public reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = NeedSettings
        fields = ["support_threshold", "response_working_days"]


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("New category"), max_length=50)


BOARD_SORTS = (
    ("supported", _("Most supported")),
    ("newest", _("Newest")),
    ("answered", _("Recently answered")),
)


class BoardFilterForm(forms.Form):
    """The board's filters; unknown values are ignored rather than refused."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All open and closed"))], required=False
    )
    category = forms.TypedChoiceField(
        label=_("Category"), choices=[("", _("All"))], required=False, coerce=int
    )
    compound = forms.TypedChoiceField(
        label=_("Compound"), choices=[("", _("All"))], required=False, coerce=int
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=BOARD_SORTS, required=False)

    def __init__(self, *args, categories, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All open and closed")), *Need.Status.choices]
        self.fields["category"].choices = [("", _("All")), *[(c.pk, c.label) for c in categories]]
        self.fields["compound"].choices = [("", _("All")), *[(c.pk, c.name) for c in compounds]]

    def values(self) -> dict:
        """The cleaned filters, with anything invalid dropped."""
        # An invalid form still has cleaned_data for the fields that were valid.
        self.is_valid()
        data = dict(self.cleaned_data)
        data.setdefault("q", "")
        data["sort"] = data.get("sort") or "supported"
        return data
