"""factory_boy factories for surveys, and make_survey() for a survey with chosen question kinds."""

import factory
from django.test import Client

from gongzhi.core.testing.factories import CommunityFactory
from gongzhi.surveys.models import Option, Question, Section, Survey


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"问卷{n}")
    description = "请如实填写。"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    survey = factory.SubFactory(SurveyFactory)
    title = factory.Sequence(lambda n: f"第{n}部分")
    position = factory.Sequence(lambda n: n)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    kind = Question.Kind.SINGLE
    text = factory.Sequence(lambda n: f"问题{n}")
    position = factory.Sequence(lambda n: n)


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Option

    question = factory.SubFactory(QuestionFactory)
    label = factory.Sequence(lambda n: f"选项{n}")
    position = factory.Sequence(lambda n: n)


CHOICE_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE)


def make_survey(community, kinds=(), **fields) -> Survey:
    """Build a survey with one question of each kind in order; choice questions get 3 options."""
    survey: Survey = SurveyFactory(community=community, **fields)  # type: ignore[assignment]
    for position, kind in enumerate(kinds):
        extra = {}
        if kind == Question.Kind.MULTIPLE:
            extra["max_choices"] = 2
        if kind == Question.Kind.NUMBER:
            extra.update(min_value=0, max_value=120)
        question = QuestionFactory(survey=survey, kind=kind, position=position, **extra)
        if kind in CHOICE_KINDS:
            for i in range(3):
                OptionFactory(question=question, position=i, label=f"选项{i + 1}")
    return survey


def english_client(user=None) -> Client:
    """A test client (logged in as user) asking for English pages, whose words tests check."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client
