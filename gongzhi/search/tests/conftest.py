"""A small shared corpus, indexed through the public functions, for both engines."""

from dataclasses import dataclass

import pytest

from gongzhi.core import search
from gongzhi.core.testing import factories as f
from gongzhi.registry import models as reg


@dataclass
class Corpus:
    community: reg.Community
    other_community: reg.Community


# (kind, object_id, which community, title, text)
DOCUMENTS = [
    ("need", 1, "here", "东门路灯坏了", "小区东门路灯坏了，晚上很黑，老人出门不方便。"),
    ("need", 2, "here", "希望增加健身器材", "广场上的健身器材太少，希望再装几件，方便大家锻炼。"),
    ("need", 3, "here", "3号楼电梯经常故障", "电梯一周坏了三次，老人上下楼很困难。"),
    ("need", 4, "here", "楼道堆物影响消防", "5号楼楼道里堆满杂物，消防通道被堵。"),
    ("proposal", 5, "here", "开一个老年助餐点", "社区老人多，建议在活动中心开设助餐点。"),
    ("need_reply", 6, "here", "东门路灯坏了", "已联系物业，本周内更换东门路灯。"),
    ("need", 7, "there", "西门路灯不亮", "西门路灯不亮好几天了，晚上走路看不清。"),
]


@pytest.fixture
def corpus(db) -> Corpus:
    """Index DOCUMENTS into two communities of one subdistrict."""
    subdistrict = f.SubdistrictFactory()
    communities: dict[str, reg.Community] = {
        "here": f.CommunityFactory.create(subdistrict=subdistrict, code="001"),
        "there": f.CommunityFactory.create(subdistrict=subdistrict, code="002"),
    }
    for kind, object_id, where, title, text in DOCUMENTS:
        search.index_document(
            kind=kind,
            object_id=object_id,
            community_id=communities[where].pk,
            title=title,
            text=text,
        )
    return Corpus(communities["here"], communities["there"])


def found(page_or_hits) -> list[tuple[str, int]]:
    """Return (kind, object_id) of each hit, in order."""
    hits = getattr(page_or_hits, "hits", page_or_hits)
    return [(hit.kind, hit.object_id) for hit in hits]
