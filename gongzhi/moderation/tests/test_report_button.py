"""The report link that content pages include."""

from django.template import Context, Template
from django.test import RequestFactory

from gongzhi.moderation.models import ModerationStatus

TEMPLATE = Template('{% include "moderation/_report_button.html" with obj=post %}')


def render(user, post):
    request = RequestFactory().get("/needs/1/")
    request.user = user
    return TEMPLATE.render(Context({"post": post, "user": user, "request": request}))


def test_others_see_a_link_to_the_report_form(world, make_post):
    post = make_post(author=world.users["community_worker"])
    html = render(world.users["resident"], post)
    assert f"/moderation/report/moderation.samplepost/{post.pk}/?next=/needs/1/" in html


def test_the_author_and_anonymous_users_see_no_link(world, make_post):
    from django.contrib.auth.models import AnonymousUser

    post = make_post(author=world.users["resident"])
    assert "report" not in render(world.users["resident"], post)
    assert "report" not in render(AnonymousUser(), post)


def test_a_post_waiting_for_a_moderator_has_no_link(world, make_post):
    post = make_post(author=world.users["community_worker"], status=ModerationStatus.HIDDEN)
    assert "report" not in render(world.users["resident"], post)
