"""Helpers for the answering-channel tests: open surveys, households, valid answers."""

from datetime import date

from gongzhi.core.testing import factories as f
from gongzhi.surveys.logic import load_questions
from gongzhi.surveys.models import Question, Survey
from gongzhi.surveys.tests.factories import make_survey

ALL_KINDS = [kind for kind, _label in Question.Kind.choices]


def open_survey(community, kinds=("single", "yes_no"), **fields) -> Survey:
    """An open survey of the community with one question of each kind."""
    fields.setdefault("status", Survey.Status.OPEN)
    return make_survey(community, kinds=list(kinds), **fields)


def households_in(building, count: int, born=date(1980, 3, 1)) -> list:
    """Make count households in the building, each with one resident born on `born`."""
    households = []
    for _ in range(count):
        resident = f.ResidentFactory(household__dwelling__building=building, birth_date=born)
        households.append(resident.household)
    return households


def valid_answers(survey: Survey, prefix: str = "q") -> dict:
    """A valid answer to every question of the survey, as a form would post it."""
    out = {}
    for question in load_questions(survey):
        options = [str(o.pk) for o in question.options.all()]
        value = {
            "single": options[:1] and options[0],
            "multiple": options[:2],
            "yes_no": "yes",
            "rating": "4",
            "number": "42",
            "short_text": "门口的路",
            "long_text": "希望早点修好舞台。",
        }[question.kind]
        out[f"{prefix}{question.pk}"] = value
    return out


def in_english(client):
    """Ask for English pages, so tests read the English source strings."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
