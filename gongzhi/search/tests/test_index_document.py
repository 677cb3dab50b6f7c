"""index_document, remove_document and bulk_index keep the index and its statistics right."""

import pytest
from django.db import connection

from gongzhi.core import search
from gongzhi.search.models import SearchEntry, SearchTerm

from .conftest import found


def df(community, term) -> int:
    row = SearchTerm.objects.filter(community=community, term=term).first()
    return row.df if row else 0


def test_indexing_stores_the_document_and_its_terms(corpus):
    entry = SearchEntry.objects.get(kind="need", object_id=1)
    assert entry.community_id == corpus.community.pk
    assert entry.title == "东门路灯坏了" and entry.visible and entry.is_open
    assert entry.title_terms == "东门 路灯 坏"
    # 东门 is in need 1 and reply 6 of this community; 西门 only in the other one.
    assert df(corpus.community, "东门") == 2
    assert df(corpus.community, "西门") == 0 and df(corpus.other_community, "西门") == 1


def test_indexing_again_replaces_the_text(corpus):
    here = corpus.community.pk
    search.index_document(
        kind="need", object_id=1, community_id=here, title="南门积水", text="下雨后南门积水很深"
    )
    assert SearchEntry.objects.filter(kind="need", object_id=1).count() == 1
    assert search.search("路灯", community_ids=[here], kinds=["need"]).count == 0
    assert found(search.search("积水", community_ids=[here], kinds=["need"])) == [("need", 1)]
    assert df(corpus.community, "东门") == 1 and df(corpus.community, "积水") == 1


def test_indexing_unchanged_text_writes_nothing(corpus):
    from django.test.utils import CaptureQueriesContext

    entry = SearchEntry.objects.get(kind="need", object_id=1)
    with CaptureQueriesContext(connection) as queries:
        search.index_document(
            kind="need",
            object_id=1,
            community_id=corpus.community.pk,
            title=entry.title,
            text=entry.body,
        )
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]


def test_a_visibility_change_takes_effect_at_once(corpus):
    here = corpus.community.pk
    args = {"kind": "need", "object_id": 1, "community_id": here, "title": "东门路灯坏了"}
    search.index_document(**args, text="很黑", visible=False)
    assert search.search("路灯", community_ids=[here], kinds=["need"]).count == 0
    search.index_document(**args, text="很黑", visible=True)
    assert found(search.search("路灯", community_ids=[here], kinds=["need"])) == [("need", 1)]


def test_moving_a_document_moves_its_statistics(corpus):
    search.index_document(
        kind="need",
        object_id=1,
        community_id=corpus.other_community.pk,
        title="东门路灯坏了",
        text="很黑",
    )
    assert df(corpus.community, "东门") == 1
    assert df(corpus.other_community, "东门") == 1
    page = search.search("东门", community_ids=[corpus.other_community.pk], kinds=["need"])
    assert found(page) == [("need", 1)]


def test_remove_document_takes_it_out(corpus):
    here = corpus.community.pk
    search.remove_document(kind="need", object_id=1)
    assert not SearchEntry.objects.filter(kind="need", object_id=1).exists()
    assert search.search("路灯", community_ids=[here], kinds=["need"]).count == 0
    assert found(search.search("路灯", community_ids=[here], kinds=["need_reply"])) == [
        ("need_reply", 6)
    ]
    assert df(corpus.community, "东门") == 1


def test_removing_a_document_not_indexed_does_nothing(corpus):
    search.remove_document(kind="need", object_id=999)
    assert SearchEntry.objects.count() == 7


def test_a_malformed_kind_is_refused(corpus):
    with pytest.raises(ValueError):
        search.index_document(kind="Need; drop", object_id=1, community_id=1, title="", text="")
    with pytest.raises(ValueError):
        search.search("路灯", community_ids=None, kinds=["need'"])


def test_bulk_index_adds_and_replaces(corpus):
    here, there = corpus.community.pk, corpus.other_community.pk
    rows = [
        {"kind": "need", "object_id": 1, "community_id": here, "title": "南门积水", "text": "积水"},
        {"kind": "need", "object_id": 100, "community_id": there, "title": "积水", "text": "积水"},
        {"kind": "need", "object_id": 101, "community_id": here, "title": "路灯", "text": "x"},
    ]
    assert search.bulk_index(rows, batch_size=2) == 3
    assert SearchEntry.objects.count() == 9
    assert set(found(search.search("积水", community_ids=None, kinds=["need"]))) == {
        ("need", 1),
        ("need", 100),
    }
    assert found(search.search("路灯", community_ids=[here], kinds=["need"])) == [("need", 101)]
    assert df(corpus.community, "东门") == 1 and df(corpus.community, "积水") == 1


def test_deleting_a_community_empties_its_part_of_the_index(corpus):
    SearchEntry.objects.filter(community=corpus.other_community).delete()
    assert search.search("西门", community_ids=None, kinds=["need"]).count == 0
    assert search.search("路灯", community_ids=None, kinds=["need"]).count == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_indexes_exactly_the_stored_terms(corpus):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT community_id, title_terms, body_terms, tsvector_to_array(search_vector)"
            " FROM search_searchentry"
        )
        for community_id, title_terms, body_terms, lexemes in cursor.fetchall():
            scope = {lexeme for lexeme in lexemes if lexeme.startswith("~")}
            assert set(lexemes) - scope == set(f"{title_terms} {body_terms}".split())
            assert scope == {f"~c{community_id}v", f"~c{community_id}o"}


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_fts_holds_one_row_per_entry(corpus):
    search.index_document(
        kind="need", object_id=1, community_id=corpus.community.pk, title="改了", text="改了"
    )
    search.remove_document(kind="need", object_id=2)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_fts")
        assert cursor.fetchone()[0] == SearchEntry.objects.count() == 6
