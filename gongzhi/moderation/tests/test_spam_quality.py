"""Precision and recall of screen() on the labelled set (data/labelled_posts.jsonl).

The set is split in two: thresholds were tuned on "tune" only; "holdout" uses hand-written
posts never looked at while tuning and spam generated from keywords, sentences, headlines
and domains that the tune part does not use. The floors are what the screening achieves,
rounded down; bench/bench_spam.py prints the figures.
"""

from datetime import UTC, datetime

import pytest

from gongzhi.core.testing import factories as f

from .spam_eval import load_posts, replay

FLOORS = {
    # split: (precision, recall)
    "tune": (0.99, 0.99),
    "holdout": (0.95, 0.97),
}
SPAM_KINDS = ("stuffed", "spliced", "teaser", "repeat", "flood")


_replayed: dict = {}


@pytest.fixture
def tallies(db):
    """Replay the whole set once per test run (each test's transaction is rolled back)."""
    if not _replayed:
        community = f.CommunityFactory()
        _replayed.update(replay(load_posts(), community, datetime(2024, 4, 1, tzinfo=UTC)))
    return _replayed


def test_the_set_is_big_enough_and_labels_every_kind():
    posts = load_posts()
    assert len(posts) >= 500
    kinds = {p["kind"] for p in posts if p["label"] == "spam"}
    assert kinds == set(SPAM_KINDS)
    assert {p["split"] for p in posts} == {"tune", "holdout"}


@pytest.mark.parametrize("split", ["tune", "holdout"])
def test_precision_and_recall_meet_their_floors(tallies, split):
    tally = tallies[split]
    precision, recall = FLOORS[split]
    assert tally.precision >= precision, tally.false_alarms
    assert tally.recall >= recall, tally.missed


@pytest.mark.parametrize("kind", SPAM_KINDS)
def test_each_kind_of_spam_is_caught(tallies, kind):
    tally = tallies[f"tune:{kind}"]
    assert tally.recall >= 0.9, tally.missed
