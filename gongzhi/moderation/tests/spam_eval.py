"""Replay the labelled posts through screen() and measure precision and recall.

Shared by test_spam_quality.py and bench/bench_spam.py. Posts are replayed in their order,
each at its own time, by its own account, in one community, so that repeated texts and
floods are judged on the history before them, as in production.
"""

import json
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "labelled_posts.jsonl"


def load_posts() -> list[dict]:
    with DATA.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    missed: list = field(default_factory=list)
    false_alarms: list = field(default_factory=list)

    def add(self, row: dict, held: bool, reasons) -> None:
        spam = row["label"] == "spam"
        if held and spam:
            self.tp += 1
        elif held:
            self.fp += 1
            self.false_alarms.append((row["id"], row["kind"], list(reasons), row["text"][:80]))
        elif spam:
            self.fn += 1
            self.missed.append((row["id"], row["kind"], row["text"][:80]))
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def line(self, label: str) -> str:
        return (
            f"{label:<8} posts {self.tp + self.fp + self.fn + self.tn:4d}  "
            f"spam {self.tp + self.fn:3d}  precision {self.precision:.3f}  "
            f"recall {self.recall:.3f}  (tp {self.tp} fp {self.fp} fn {self.fn} tn {self.tn})"
        )


def replay(posts: list[dict], community, start) -> dict[str, Tally]:
    """Screen every post as its author at its time; return the tallies by split and kind."""
    from gongzhi.accounts.models import Role, RoleAssignment, User
    from gongzhi.moderation.screening import screen

    authors = sorted({(p["author"], p["author_role"]) for p in posts})
    base = 19900000000
    users = {}
    for number, (key, role) in enumerate(authors):
        user = User.objects.create(phone=str(base + number), name=key)
        if role == "worker":
            RoleAssignment.objects.create(
                user=user, role=Role.COMMUNITY_WORKER, community=community
            )
        else:
            RoleAssignment.objects.create(user=user, role=Role.RESIDENT, community=community)
        users[key] = user
    tallies: dict[str, Tally] = {}
    for row in posts:
        result = screen(
            author=users[row["author"]],
            community=community,
            text=row["text"],
            kind=row["post"],
            now=start + timedelta(minutes=row["t"]),
        )
        for key in (row["split"], f"{row['split']}:{row['kind']}", "all", f"all:{row['kind']}"):
            tallies.setdefault(key, Tally()).add(row, result.held, result.reasons)
    return tallies
