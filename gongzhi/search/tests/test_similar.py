"""similar(): open needs of one community that say the same as a draft."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.core import search

from .conftest import found

NEEDS = ["need", "proposal"]


def suggest(corpus, text, **kwargs):
    kwargs.setdefault("kinds", NEEDS)
    return search.similar(text, community_id=corpus.community.pk, **kwargs)


def test_it_suggests_the_near_duplicate(corpus):
    hits = suggest(corpus, "东门那边的路灯不亮了，晚上回家很黑")
    assert found(hits)[0] == ("need", 1)
    assert 0 < hits[0].rank <= 1
    assert "<mark>路灯</mark>" in hits[0].title_html


def test_it_suggests_a_rewording_of_another_need(corpus):
    assert found(suggest(corpus, "3号楼的电梯老是坏，老年人上下楼太困难了"))[0] == ("need", 3)
    assert found(suggest(corpus, "能不能在社区办个老人助餐点"))[0] == ("proposal", 5)


def test_an_unrelated_text_suggests_nothing(corpus):
    assert suggest(corpus, "小区里的流浪猫越来越多，希望有人管一管") == []
    assert suggest(corpus, "下周六组织居民义务献血活动") == []


def test_it_ranks_closer_texts_higher(corpus):
    here = corpus.community.pk
    search.index_document(
        kind="need",
        object_id=10,
        community_id=here,
        title="东门附近的树",
        text="东门附近的树枝太长了",
    )
    hits = suggest(corpus, "东门路灯坏了，晚上很黑")
    assert found(hits)[0] == ("need", 1)
    assert [h.rank for h in hits] == sorted((h.rank for h in hits), reverse=True)


def test_it_leaves_out_closed_invisible_and_excluded_documents(corpus):
    here = corpus.community.pk
    text = "东门路灯坏了，晚上很黑"
    search.index_document(
        kind="need", object_id=1, community_id=here, title="东门路灯坏了", text=text, is_open=False
    )
    assert ("need", 1) not in found(suggest(corpus, text))
    # Closed, it is still found by search.
    assert search.search("东门 路灯", community_ids=[here], kinds=["need"]).count == 1
    search.index_document(
        kind="need", object_id=1, community_id=here, title="东门路灯坏了", text=text, visible=False
    )
    assert ("need", 1) not in found(suggest(corpus, text))
    search.index_document(
        kind="need", object_id=1, community_id=here, title="东门路灯坏了", text=text
    )
    assert ("need", 1) not in found(suggest(corpus, text, exclude_ids=[1]))


def test_it_keeps_to_the_community_and_kinds(corpus):
    text = "西门路灯不亮，晚上走路看不清"
    assert ("need", 7) not in found(suggest(corpus, text))
    there = search.similar(text, community_id=corpus.other_community.pk, kinds=NEEDS)
    assert found(there) == [("need", 7)]
    proposal = "能不能在社区办个老人助餐点"
    assert ("proposal", 5) in found(suggest(corpus, proposal))
    assert ("proposal", 5) not in found(suggest(corpus, proposal, kinds=["need"]))


def test_it_returns_at_most_limit(corpus):
    here = corpus.community.pk
    for n in range(20, 30):
        search.index_document(
            kind="need", object_id=n, community_id=here, title="东门路灯坏了", text="东门路灯坏了"
        )
    assert len(suggest(corpus, "东门路灯坏了", limit=3)) == 3


def test_empty_text_suggests_nothing_without_asking(corpus):
    with CaptureQueriesContext(connection) as queries:
        assert suggest(corpus, "。。。的了") == []
    assert len(queries) == 0


def test_query_count_does_not_grow_with_the_candidates(corpus):
    here = corpus.community.pk

    def queries_for(text):
        with CaptureQueriesContext(connection) as queries:
            hits = suggest(corpus, text)
        return len(queries), len(hits)

    few = queries_for("电梯故障")
    for n in range(20, 40):
        search.index_document(
            kind="need", object_id=n, community_id=here, title=f"{n}号楼电梯故障", text="电梯坏了"
        )
    many = queries_for("电梯故障")
    assert few[0] == many[0] == 4
    assert many[1] == 5
