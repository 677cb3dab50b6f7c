"""hold_for_review(): a post held at submission waits in the queue with its reasons."""

from gongzhi.core.models import AuditEntry
from gongzhi.moderation.models import CaseEvent, ModerationCase, ModerationStatus
from gongzhi.moderation.screening import screen
from gongzhi.moderation.services import hold_for_review

STUFFED = (
    "潜江开锁公司哪家好？选择潜江开锁公司就选顺达。潜江开锁公司电话多少？潜江开锁公司价格实惠。"
)


def test_a_held_post_opens_a_case_with_its_reasons(world, make_post):
    author = world.users["resident"]
    screening = screen(author=author, community=world.community, text=STUFFED, kind="need")
    post = make_post(status=ModerationStatus.HELD, title="开锁", text=STUFFED)
    case = hold_for_review(obj=post, screening=screening)
    post.refresh_from_db()
    assert post.moderation_status == ModerationStatus.HELD
    assert case.state == ModerationCase.State.OPEN
    assert case.trigger == ModerationCase.Trigger.SCREENING
    assert [f["code"] for f in case.findings] == ["repeated_phrase"]
    assert case.community == world.community and case.author == author
    assert "潜江开锁公司" in case.excerpt
    assert CaseEvent.objects.filter(case=case, action=CaseEvent.Action.HELD).count() == 1
    entry = AuditEntry.objects.get(action="moderation.hold")
    assert entry.community_id == world.community.pk
    assert entry.data["item_id"] == post.pk


def test_a_published_post_that_screening_held_is_set_to_held(world, make_post):
    screening = screen(
        author=world.users["resident"], community=world.community, text=STUFFED, kind="need"
    )
    post = make_post(text=STUFFED)
    hold_for_review(obj=post, screening=screening)
    post.refresh_from_db()
    assert post.moderation_status == ModerationStatus.HELD


def test_a_status_change_calls_the_registered_hook(world, make_post, moderated_posts):
    from gongzhi.moderation import registry

    from .content import SamplePost

    seen = []
    registry.register(
        SamplePost,
        text_fields=("title", "text"),
        url_for=lambda post: post.get_absolute_url(),
        on_status_change=lambda obj, old, new: seen.append((obj.pk, old, new)),
    )
    screening = screen(
        author=world.users["resident"], community=world.community, text=STUFFED, kind="need"
    )
    post = make_post()
    hold_for_review(obj=post, screening=screening)
    assert seen == [(post.pk, "published", "held")]
