"""Forms of the survey builder; each keeps what was typed when it is sent back with errors.

The forms parse and offer sensible choices; the rules themselves live in builder_services,
whose BuilderError is put back on the form by add_builder_error().
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gongzhi.registry.models import Building, Compound

from .builder_services import CONDITION_KINDS, FIXED_ONCE_OPEN, BuilderError, condition_values
from .models import Question, Survey

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def add_builder_error(form: forms.BaseForm, exc: BuilderError) -> None:
    """Show a service's refusal on the form: on the fields it names, else above the form."""
    placed = False
    for field, messages in exc.errors.items():
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


class BuildingChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Building) -> str:
        return f"{obj.compound.name} {obj.name}"


class SurveyForm(forms.ModelForm):
    """A survey's settings: wording, who is asked, how, and when."""

    audience_min_age = forms.TypedChoiceField(
        label=_("Age group"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Ask only residents of this age or older (for households: with one)."),
    )
    audience_compounds = forms.ModelMultipleChoiceField(
        label=_("Compounds"),
        queryset=Compound.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience_buildings = BuildingChoiceField(
        label=_("Buildings"),
        queryset=Building.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    opens_at = forms.DateTimeField(
        label=_("Opens at"),
        required=False,
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        help_text=_("Leave empty to accept answers as soon as the survey is opened."),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        required=False,
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        help_text=_("Leave empty to keep it open until you close it."),
    )

    class Meta:
        model = Survey
        fields = [
            "title",
            "description",
            "unit",
            "anonymous",
            "audience",
            "audience_compounds",
            "audience_buildings",
            "audience_min_age",
            "opens_at",
            "closes_at",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "unit": forms.RadioSelect,
            "audience": forms.RadioSelect,
        }
        help_texts = {
            "anonymous": _(
                "Answers are stored without any link to the person or household; "
                "who has answered is still counted."
            ),
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["audience_compounds"].queryset = Compound.objects.filter(
            community=community
        ).order_by("name", "id")
        self.fields["audience_buildings"].queryset = (
            Building.objects.filter(community=community)
            .select_related("compound")
            .order_by("compound__name", "name", "id")
        )
        ages = [
            ("", _("Everyone")),
            (str(settings.ELDERLY_AGE), _("Aged %(age)d or over") % {"age": settings.ELDERLY_AGE}),
            ("70", _("Aged %(age)d or over") % {"age": 70}),
            ("80", _("Aged %(age)d or over") % {"age": 80}),
        ]
        current = self.instance.audience_min_age
        if current is not None and str(current) not in dict(ages):
            ages.append((str(current), _("Aged %(age)d or over") % {"age": current}))
        self.fields["audience_min_age"].choices = ages
        if self.instance.pk and self.instance.status != Survey.Status.DRAFT:
            for name in (*FIXED_ONCE_OPEN, "audience_compounds", "audience_buildings"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed once the survey has been opened.")

    def _post_clean(self):
        # The services check the survey (and the places against the audience) on save.
        pass

    def service_fields(self) -> dict:
        """The survey's own fields, for create_survey / update_survey."""
        data = self.cleaned_data
        return {
            name: data[name]
            for name in self.Meta.fields
            if name not in ("audience_compounds", "audience_buildings")
        }


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Section title"), max_length=200)


class ConditionValuesField(forms.MultipleChoiceField):
    """Answers of earlier questions, grouped by question; each value is "<question id>:<v>"."""

    widget = forms.CheckboxSelectMultiple


class QuestionForm(forms.Form):
    """Add or edit a question; `questions` is the survey's questionnaire, ordered, with options."""

    kind = forms.ChoiceField(label=_("Type"), choices=Question.Kind.choices)
    text = forms.CharField(label=_("Question"), max_length=500)
    help_text = forms.CharField(
        label=_("Help text"),
        max_length=500,
        required=False,
        help_text=_("A short explanation shown under the question."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    section = forms.TypedChoiceField(
        label=_("Section"), required=False, coerce=int, empty_value=None
    )
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For single and multiple choice: one option per line."),
    )
    max_choices = forms.IntegerField(
        label=_("At most this many choices"),
        required=False,
        min_value=1,
        max_value=50,
        help_text=_("For multiple choice; leave empty for no limit."),
    )
    min_value = forms.DecimalField(
        label=_("Smallest number allowed"), required=False, max_digits=12, decimal_places=2
    )
    max_value = forms.DecimalField(
        label=_("Largest number allowed"), required=False, max_digits=12, decimal_places=2
    )
    show_if_question = forms.TypedChoiceField(
        label=_("Show this question only when"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Pick an earlier choice, yes/no or rating question."),
    )
    show_if_values = ConditionValuesField(label=_("has one of these answers"), required=False)

    def __init__(self, *args, questions, sections, question=None, wording_only=False, **kwargs):
        self.question = question
        self.candidates = self._earlier(questions, question)
        self.sections = {s.pk: s for s in sections}
        if question is not None:
            kwargs.setdefault("initial", self._initial(question))
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [
            ("", _("No section")),
            *((s.pk, s.title) for s in sections),
        ]
        self.fields["show_if_question"].choices = [
            ("", _("Always show")),
            *((q.pk, f"{q.position + 1}. {q.text}") for q in self.candidates.values()),
        ]
        self.fields["show_if_values"].choices = [
            (
                f"{q.position + 1}. {q.text}",
                [(f"{q.pk}:{value}", label) for value, label in condition_values(q)],
            )
            for q in self.candidates.values()
        ]
        if wording_only:
            for name, field in self.fields.items():
                if name not in ("text", "help_text", "options"):
                    field.disabled = True

    @staticmethod
    def _earlier(questions, question) -> dict:
        """Questions this one may depend on: before it (all, for a new one), of a fitting kind."""
        out = {}
        for q in questions:
            if question is not None and (q.pk == question.pk or q.position >= question.position):
                continue
            if q.kind in CONDITION_KINDS:
                out[q.pk] = q
        return out

    @staticmethod
    def _initial(question: Question) -> dict:
        return {
            "kind": question.kind,
            "text": question.text,
            "help_text": question.help_text,
            "required": question.required,
            "section": question.section_id,
            "options": "\n".join(o.label for o in question.options.all()),
            "max_choices": question.max_choices,
            "min_value": question.min_value,
            "max_value": question.max_value,
            "show_if_question": question.show_if_question_id,
            "show_if_values": [
                f"{question.show_if_question_id}:{v}" for v in question.show_if_values
            ],
        }

    def clean(self):
        data = super().clean()
        chosen = data.get("show_if_question")
        pairs = [value.split(":", 1) for value in data.get("show_if_values") or []]
        if chosen is None and pairs:
            self.add_error("show_if_question", _("Choose the question these answers belong to."))
        elif chosen is not None and chosen not in self.candidates:
            self.add_error("show_if_question", _("Choose an earlier question."))
        elif any(int(pk) != chosen for pk, _value in pairs):
            self.add_error("show_if_values", _("Choose answers of the question picked above only."))
        data["show_if_values"] = [value for _pk, value in pairs]
        return data

    def service_fields(self) -> dict:
        """The question's fields for add_question / update_question."""
        data = self.cleaned_data
        condition = self.candidates.get(data.get("show_if_question"))
        return {
            "kind": data["kind"],
            "text": data["text"],
            "help_text": data.get("help_text", ""),
            "required": bool(data.get("required")),
            "section": self.sections.get(data.get("section")),
            "max_choices": data.get("max_choices"),
            "min_value": data.get("min_value"),
            "max_value": data.get("max_value"),
            "show_if_question": condition,
            "show_if_values": data["show_if_values"] if condition is not None else [],
        }

    def option_labels(self) -> list[str]:
        return (self.cleaned_data.get("options") or "").splitlines()
