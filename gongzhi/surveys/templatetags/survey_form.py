"""Template helpers for the answering form (_questionnaire.html) and household slips."""

from django import template
from django.utils.translation import gettext as _

from gongzhi.surveys.logic import field_name
from gongzhi.surveys.respond_services import format_code

register = template.Library()


@register.filter
def answer_of(values, question) -> list[str]:
    """Return what was typed for a question (values keyed by question id)."""
    if not values:
        return []
    return values.get(question.pk) or []


@register.filter
def errors_of(errors, question) -> list[str]:
    """Return the error messages of a question (errors keyed by question id)."""
    if not errors:
        return []
    return errors.get(question.pk) or []


@register.filter
def is_given(given: list[str], value) -> bool:
    """Whether value (an option id, "yes", a rating) is among what was typed."""
    return str(value) in (given or [])


@register.filter
def qname(question) -> str:
    """Return the form field name of a question."""
    return field_name(question)


@register.filter
def slip_code(code: str) -> str:
    """Return a household code as printed: ABCD-EFGH."""
    return format_code(code)


@register.simple_tag
def show_if_note(question, questions) -> str:
    """Say when a conditional question is to be answered ("Answer only if question 2 is …").

    Looks the earlier question up in the questions already loaded, so no query is made.
    """
    ref_id = question.show_if_question_id
    if ref_id is None:
        return ""
    number, ref = 0, None
    for index, candidate in enumerate(questions, start=1):
        if candidate.pk == ref_id:
            number, ref = index, candidate
            break
    if ref is None:
        return ""
    wanted = {str(v) for v in question.show_if_values or []}
    if ref.kind in ("single", "multiple"):
        labels = [o.label for o in ref.options.all() if str(o.pk) in wanted]
    elif ref.kind == "yes_no":
        labels = [str(_("Yes")) if v == "yes" else str(_("No")) for v in sorted(wanted)]
    else:
        labels = sorted(wanted)
    return _("Answer only if your answer to question %(number)s is: %(values)s.") % {
        "number": number,
        "values": " / ".join(f"“{label}”" for label in labels),
    }
