"""The matter page's "Add to the timeline" form. It parses input; services do the linking."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MatterLink

# "#123", "123" or the full-width "＃123" a Chinese keyboard types.
CASE_NUMBER = re.compile(r"^[#＃]?\s*(\d{1,18})$")


class LinkForm(forms.Form):
    """Link a survey's published results (picked from a list) or a case (by its number).

    The page shows two small forms, each sending its `kind`; both are this one form, so a
    refused one comes back with its error and what was typed.
    """

    kind = forms.ChoiceField(
        choices=[
            (MatterLink.Kind.SURVEY, _("Survey results")),
            (MatterLink.Kind.CASE, _("Case")),
        ],
        widget=forms.HiddenInput,
    )
    survey = forms.IntegerField(
        label=_("Survey with published results"), required=False, min_value=1, max_value=2**63 - 1
    )
    case = forms.CharField(
        label=_("Case number"),
        required=False,
        max_length=20,
        help_text=_("For example #123."),
    )

    def __init__(self, *args, surveys=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is accepted here and checked by the service, which says why one is refused.
        self.fields["survey"].widget = forms.Select(
            choices=[("", _("Choose a survey"))] + [(s.pk, s.title) for s in surveys]
        )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == MatterLink.Kind.SURVEY and not data.get("survey"):
            self.add_error("survey", _("Choose a survey."))
        if kind == MatterLink.Kind.CASE and "case" not in self.errors:
            match = CASE_NUMBER.match((data.get("case") or "").strip())
            if match is None:
                self.add_error("case", _("Enter a case number, such as #123."))
            else:
                data["case_number"] = int(match.group(1))
        return data

    @property
    def field_name(self) -> str:
        """The field a refusal of this kind is shown on."""
        return "case" if self.data.get("kind") == MatterLink.Kind.CASE else "survey"

    def object_id(self) -> int:
        data = self.cleaned_data
        return data["case_number"] if data["kind"] == MatterLink.Kind.CASE else data["survey"]
