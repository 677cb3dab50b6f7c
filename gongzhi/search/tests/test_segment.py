"""Segmentation: the terms the index holds and a query looks for."""

from gongzhi.search import segment


def test_index_terms_are_words_without_punctuation_or_stop_words():
    terms = segment.index_terms("小区东门路灯坏了，晚上很黑！")
    assert terms == ["小区", "东门", "路灯", "坏", "晚上", "黑"]


def test_index_terms_include_the_shorter_words_inside_long_ones():
    terms = segment.index_terms("健身器材")
    assert {"健身器材", "健身", "器材"} <= set(terms)


def test_full_width_letters_and_digits_become_plain_lower_case():
    assert segment.index_terms("３号楼ＷＩＦＩ坏了") == segment.index_terms("3号楼wifi坏了")
    assert "wifi" in segment.index_terms("ＷＩＦＩ")


def test_community_words_stay_whole():
    assert segment.query_words("路灯不亮") == ["路灯", "不亮"]
    assert segment.query_words("适老化改造") == ["适老化", "改造"]


def test_query_words_are_distinct_and_in_order():
    assert segment.query_words("路灯 东门 路灯") == ["路灯", "东门"]


def test_a_query_of_stop_words_and_punctuation_has_no_words():
    assert segment.query_words("的了吗？！ the a") == []


def test_word_parts_tile_a_long_word_with_shorter_words():
    assert segment.word_parts("健身器材") == ["健身", "器材"]
    assert segment.word_parts("路灯") == []


def test_terms_are_only_letters_and_digits():
    for term in segment.index_terms("<script>alert('x')</script> a_b-c 1.5 e@mail.com"):
        assert term.isalnum(), term
