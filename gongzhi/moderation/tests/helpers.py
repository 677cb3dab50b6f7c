"""Helpers shared by moderation tests: items waiting in the queue."""

from gongzhi.moderation import services
from gongzhi.moderation.models import ModerationCase, ModerationStatus
from gongzhi.moderation.screening import screen

STUFFED = (
    "潜江开锁公司哪家好？选择潜江开锁公司就选顺达。潜江开锁公司电话多少？潜江开锁公司价格实惠。"
)


def held_case(world, make_post, author=None) -> ModerationCase:
    """A post held at submission, and its open case."""
    author = author or world.users["resident"]
    screening = screen(author=author, community=world.community, text=STUFFED, kind="need")
    post = make_post(author=author, status=ModerationStatus.HELD, title="开锁", text=STUFFED)
    return services.hold_for_review(obj=post, screening=screening)


def removed_case(world, make_post, author=None) -> ModerationCase:
    """A post removed by a moderator: its author may appeal."""
    case = held_case(world, make_post, author)
    return services.decide_case(
        case=case, actor=world.users["community_admin"], outcome="removed", reason="广告"
    )
