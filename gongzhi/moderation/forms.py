"""Forms of the moderation pages; each keeps what was typed when sent back with errors."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ModerationCase, ModerationSettings, ReportReason


def add_service_error(form: forms.BaseForm, exc) -> None:
    """Show a service's refusal on the field it names, else above the form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with it?"), choices=ReportReason.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional, unless you chose “Something else”. Moderators read it."),
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ModerationCase.Outcome.RESTORED, _("Publish it")),
            (ModerationCase.Outcome.REMOVED, _("Remove it")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The author reads this."),
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why should it be published?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("You can appeal once. A moderator will look at your post again."),
    )


class BlockedWordForm(forms.Form):
    word = forms.CharField(label=_("Word or phrase"), max_length=50)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ModerationSettings
        fields = [
            "report_threshold",
            "flood_max_posts",
            "flood_window_minutes",
            "duplicate_window_days",
        ]
