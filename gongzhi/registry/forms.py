"""Forms for the registry pages; each keeps what was typed when it is sent back with errors."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Building, CorrectionRequest, Resident

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def validate_birth_date(value: date | None) -> None:
    if value is None:
        return
    if value > date.today():
        raise forms.ValidationError(_("The birth date is in the future."))
    if value.year < 1900:
        raise forms.ValidationError(_("The birth date is before 1900."))


class ResidentForm(forms.ModelForm):
    """Edit a resident's record; party membership only for those who may see it."""

    class Meta:
        model = Resident
        fields = [
            "name",
            "gender",
            "birth_date",
            "phone",
            "lives_alone",
            "has_disability",
            "low_income",
            "is_party_member",
        ]
        widgets = {
            "birth_date": DATE_WIDGET,
            "phone": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, show_party_membership: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_party_membership:
            del self.fields["is_party_member"]

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        validate_birth_date(value)
        return value


class NewResidentForm(ResidentForm):
    """Register a resident into a dwelling of the community."""

    building = forms.ModelChoiceField(
        label=_("Building"), queryset=Building.objects.none(), required=False
    )
    dwelling_number = forms.CharField(label=_("Dwelling number"), max_length=20, required=False)
    moved_in_on = forms.DateField(label=_("Moved in on"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(
            community=community
        ).for_listing()
        self.fields["building"].label_from_instance = lambda b: f"{b.compound.name} {b.name}"

    def clean(self):
        data = super().clean()
        if data.get("building") and not (data.get("dwelling_number") or "").strip():
            self.add_error("dwelling_number", _("Enter the dwelling number in this building."))
        return data


class MoveOutForm(forms.Form):
    on = forms.DateField(label=_("Moved out on"), widget=DATE_WIDGET, initial=date.today)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def clean_on(self):
        value = self.cleaned_data["on"]
        if value > date.today():
            raise forms.ValidationError(_("The date is in the future."))
        return value


class MoveInForm(forms.Form):
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none())
    dwelling_number = forms.CharField(label=_("Dwelling number"), max_length=20)
    on = forms.DateField(label=_("Moved in on"), widget=DATE_WIDGET, initial=date.today)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(
            community=community
        ).for_listing()
        self.fields["building"].label_from_instance = lambda b: f"{b.compound.name} {b.name}"

    def clean_on(self):
        value = self.cleaned_data["on"]
        if value > date.today():
            raise forms.ValidationError(_("The date is in the future."))
        return value


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("What is wrong, and what should it be?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class HandleCorrectionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (CorrectionRequest.Status.DONE, _("Corrected")),
            (CorrectionRequest.Status.REFUSED, _("Refused")),
        ],
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(
        label=_("Reply to the resident"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("status") == CorrectionRequest.Status.REFUSED
            and not (data.get("reply") or "").strip()
        ):
            self.add_error("reply", _("A refusal must give a reason."))
        return data
