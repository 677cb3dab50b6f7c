"""search(): Chinese queries, ranking, scope, visibility, highlighting, paging, queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.core import search
from gongzhi.search import engines

from .conftest import found

NEEDS = ["need", "proposal", "need_reply"]


def test_it_finds_a_need_by_one_word(corpus):
    page = search.search("路灯", community_ids=[corpus.community.pk], kinds=["need"])
    assert page.count == 1
    assert found(page) == [("need", 1)]
    assert not page.relaxed


def test_it_finds_a_need_by_two_words_together(corpus):
    page = search.search("东门 路灯", community_ids=[corpus.community.pk], kinds=["need"])
    assert found(page) == [("need", 1)]


def test_every_word_must_be_there(corpus):
    page = search.search("东门 老人", community_ids=[corpus.community.pk], kinds=NEEDS)
    assert found(page) == [("need", 1)]
    assert page.count == 1 and not page.relaxed


def test_when_no_document_has_every_word_it_shows_those_with_some(corpus):
    page = search.search("东门 电梯", community_ids=[corpus.community.pk], kinds=NEEDS)
    assert page.relaxed
    assert page.count == 3
    assert set(found(page)) == {("need", 1), ("need", 3), ("need_reply", 6)}


def test_a_different_phrasing_finds_the_need(corpus):
    page = search.search("路灯不亮", community_ids=[corpus.community.pk], kinds=["need"])
    assert found(page) == [("need", 1)]
    assert page.relaxed


def test_a_long_word_finds_its_parts_written_apart(corpus):
    page = search.search("健身器材", community_ids=[corpus.community.pk], kinds=["need"])
    assert found(page) == [("need", 2)]
    assert not page.relaxed


def test_a_title_match_outranks_a_single_body_match(db, corpus):
    here = corpus.community.pk
    search.index_document(
        kind="need",
        object_id=20,
        community_id=here,
        title="停车难",
        text="晚上车位不够，车只能停在东门旁边。",
    )
    search.index_document(
        kind="need",
        object_id=21,
        community_id=here,
        title="东门门口停车",
        text="车辆乱停堵住通道。",
    )
    page = search.search("东门", community_ids=[here], kinds=["need"])
    ranks = {hit.object_id: hit.rank for hit in page.hits}
    assert ranks[21] > ranks[20]
    assert found(page).index(("need", 21)) < found(page).index(("need", 20))


def test_it_keeps_to_the_communities_given(corpus):
    here = search.search("路灯", community_ids=[corpus.community.pk], kinds=["need"])
    there = search.search("路灯", community_ids=[corpus.other_community.pk], kinds=["need"])
    both = search.search(
        "路灯", community_ids=[corpus.community.pk, corpus.other_community.pk], kinds=["need"]
    )
    everywhere = search.search("路灯", community_ids=None, kinds=["need"])
    assert found(here) == [("need", 1)]
    assert found(there) == [("need", 7)]
    assert set(found(both)) == {("need", 1), ("need", 7)} == set(found(everywhere))


def test_no_communities_finds_nothing(corpus):
    page = search.search("路灯", community_ids=[], kinds=["need"])
    assert page.count == 0 and page.hits == []


def test_it_keeps_to_the_kinds_given(corpus):
    here = [corpus.community.pk]
    assert found(search.search("路灯", community_ids=here, kinds=["need_reply"])) == [
        ("need_reply", 6)
    ]
    assert set(found(search.search("路灯", community_ids=here, kinds=NEEDS))) == {
        ("need", 1),
        ("need_reply", 6),
    }
    assert search.search("路灯", community_ids=here, kinds=["comment"]).count == 0


def test_invisible_documents_are_never_returned(corpus):
    here = corpus.community.pk
    search.index_document(
        kind="need",
        object_id=1,
        community_id=here,
        title="东门路灯坏了",
        text="很黑",
        visible=False,
    )
    assert search.search("路灯", community_ids=[here], kinds=["need"]).count == 0
    # Not through the relaxed query either.
    assert search.search("东门 路灯 晚上", community_ids=[here], kinds=["need"]).count == 0


def test_highlighting_marks_the_words_and_escapes_html(corpus):
    here = corpus.community.pk
    search.index_document(
        kind="need",
        object_id=30,
        community_id=here,
        title="<b>路灯</b> & 安全",
        text='有人在留言里写了<script>alert("路灯")</script>',
    )
    page = search.search("路灯 script", community_ids=[here], kinds=["need"])
    [hit] = page.hits
    assert hit.title_html == "&lt;b&gt;<mark>路灯</mark>&lt;/b&gt; &amp; 安全"
    assert "<script>" not in hit.snippet_html
    assert "&lt;<mark>script</mark>&gt;" in hit.snippet_html
    assert "<mark>路灯</mark>" in hit.snippet_html


def test_a_long_text_gives_a_snippet_around_the_match(corpus):
    here = corpus.community.pk
    text = "前面的话很长。" * 30 + "最后说到水压太低的问题。" + "后面也很长。" * 30
    search.index_document(kind="need", object_id=31, community_id=here, title="反映", text=text)
    [hit] = search.search("水压", community_ids=[here], kinds=["need"]).hits
    assert hit.snippet_html.startswith("…") and hit.snippet_html.endswith("…")
    assert "<mark>水压</mark>" in hit.snippet_html
    assert len(hit.snippet_html) < 200


def test_pages_share_one_count(corpus):
    here = corpus.community.pk
    for n in range(40, 45):
        search.index_document(
            kind="need", object_id=n, community_id=here, title=f"{n}号楼漏水", text="楼顶漏水"
        )
    first = search.search("漏水", community_ids=[here], kinds=["need"], limit=2)
    third = search.search("漏水", community_ids=[here], kinds=["need"], limit=2, offset=4)
    beyond = search.search("漏水", community_ids=[here], kinds=["need"], limit=2, offset=10)
    assert (first.count, third.count, beyond.count) == (5, 5, 5)
    assert len(first.hits) == 2 and len(third.hits) == 1 and beyond.hits == []
    assert not set(found(first)) & set(found(third))


def test_an_empty_query_finds_nothing_without_asking_the_database(corpus):
    with CaptureQueriesContext(connection) as queries:
        page = search.search("  的了？", community_ids=[corpus.community.pk], kinds=["need"])
    assert page.count == 0 and len(queries) == 0


def test_query_count_does_not_grow_with_the_hits(corpus):
    here = corpus.community.pk

    def queries_for(query):
        with CaptureQueriesContext(connection) as queries:
            page = search.search(query, community_ids=[here], kinds=NEEDS)
        return len(queries), page.count

    one = queries_for("电梯")
    for n in range(50, 75):
        search.index_document(kind="need", object_id=n, community_id=here, title="电梯", text="x")
    many = queries_for("电梯")
    assert one == (1, 1) and many == (1, 26)
    # A relaxed query asks twice, whatever the number of hits.
    assert queries_for("电梯 西瓜")[0] == 2


def test_with_many_matches_it_ranks_the_newest_and_says_there_are_more(corpus, monkeypatch):
    here = corpus.community.pk
    monkeypatch.setattr(engines, "RANK_WINDOW", 3)
    # The oldest has the word in its title, the best rank, but falls outside the window.
    search.index_document(kind="need", object_id=60, community_id=here, title="水压", text="水压")
    for n in range(61, 65):
        search.index_document(
            kind="need", object_id=n, community_id=here, title="反映", text=f"{n}号楼水压低"
        )
    page = search.search("水压", community_ids=[here], kinds=["need"])
    assert page.count == 3 and page.more
    assert set(found(page)) == {("need", 64), ("need", 63), ("need", 62)}
    search.remove_document(kind="need", object_id=61)
    search.remove_document(kind="need", object_id=62)
    page = search.search("水压", community_ids=[here], kinds=["need"])
    assert page.count == 3 and not page.more
    assert found(page)[0] == ("need", 60)


def test_many_communities_are_filtered_on_the_table_with_the_same_result(corpus, monkeypatch):
    communities = [corpus.community.pk, corpus.other_community.pk]
    with_terms = search.search("路灯", community_ids=communities, kinds=NEEDS)
    monkeypatch.setattr(engines, "SCOPE_TERMS_UPTO", 1)
    without = search.search("路灯", community_ids=communities, kinds=NEEDS)
    assert found(with_terms) == found(without)
    assert set(found(without)) == {("need", 1), ("need", 7), ("need_reply", 6)}
