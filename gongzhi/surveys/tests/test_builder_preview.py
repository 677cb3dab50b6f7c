"""The preview: the questionnaire as a resident will see it, with nothing to send."""

import pytest
from django.urls import reverse

from gongzhi.surveys.models import Response
from gongzhi.surveys.tests.factories import english_client, make_survey

KINDS = ["single", "multiple", "yes_no", "rating", "number", "short_text", "long_text"]


@pytest.fixture
def client(world):
    return english_client(world.users["community_worker"])


def test_it_shows_every_question_read_only(world, client):
    survey = make_survey(world.community, kinds=KINDS, title="文艺舞台")
    response = client.get(reverse("surveys:preview", args=[survey.pk]))
    assert response.status_code == 200
    assert [q.kind for q in response.context["questions"]] == KINDS
    for question in survey.questions.all():
        assert question.text in response.text
    assert "选项1" in response.text
    # Read-only: nothing in the page posts an answer.
    assert (
        'type="submit"' not in response.text.split('id="main"')[1].split("Back to the builder")[0]
    )


def test_the_preview_changes_nothing(world, client):
    survey = make_survey(world.community, kinds=["yes_no"], status="open")
    client.get(reverse("surveys:preview", args=[survey.pk]))
    assert not Response.objects.exists()
