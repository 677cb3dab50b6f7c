"""Screen a submission before it is published: screen() is called by every app that takes posts.

    screening = screen(author=user, community=community, text=f"{title}\\n{text}", kind="need")
    need.moderation_status = "held" if screening.held else "published"
    ...save...
    if screening.held:
        hold_for_review(obj=need, screening=screening)   # puts it in the moderators' queue

A held post waits for a moderator; a false positive costs its author nothing but time.
Call it inside the submission's transaction: the fingerprint it writes (for later duplicate
and flood checks) then disappears with a rolled-back submission.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from . import detect
from .detect import Finding, describe
from .models import BlockedWord, ModerationSettings, ScreenedText, default_for
from .permissions import can_moderate

# Simhash bits that may differ between two copies of one text. Lightly edited copies of
# short posts measured 4 to 6 apart, unrelated posts 16 or more.
DUPLICATE_DISTANCE = 7
MAX_DUPLICATE_CANDIDATES = 500
BLOCKED_CACHE_SECONDS = 300


@dataclass(frozen=True)
class Screening:
    """The verdict on one submission: held for review or not, and why (for moderators)."""

    held: bool
    reasons: list[str]
    findings: list[Finding] = field(default_factory=list)
    fingerprint_id: int | None = None

    def findings_for_storage(self) -> list[dict]:
        """Return the findings as JSON, so moderators read them in their own language."""
        if self.findings:
            return [f.as_dict() for f in self.findings]
        return [{"code": "text", "params": {"text": str(r)}} for r in self.reasons]


def screen(
    *, author, community, text: str, kind: str, source=None, now: datetime | None = None
) -> Screening:
    """Check a submission for spam and review words; record its fingerprint.

    source: the item being edited, if this is an edit (an edit is no duplicate of itself).
    now: the time of the submission (tests replay a stream of posts).
    """
    now = now or timezone.now()
    limits = limits_for(community)
    findings = detect.text_findings(text)
    findings += blocked_word_findings(text, community.pk)
    author_id = getattr(author, "pk", None)
    if author_id is not None and not can_moderate(author, community.pk):
        # Workers enter paper forms for residents (代办) in bursts: that is no flood.
        findings += flood_findings(author_id, limits, now)
    fingerprint = detect.simhash(text)
    source_key = source_key_of(source)
    if fingerprint is not None:
        findings += duplicate_findings(
            fingerprint, author_id, community.pk, source_key, limits.duplicate_window_days, now
        )
    row = ScreenedText.objects.create(
        community=community,
        author_id=author_id,
        kind=kind[:32],
        source=source_key,
        held=bool(findings),
        created_at=now,
        **_fingerprint_columns(fingerprint),
    )
    return Screening(
        held=bool(findings),
        reasons=[describe(f) for f in findings],
        findings=findings,
        fingerprint_id=row.pk,
    )


def screen_text(text: str, *, blocked_words: tuple[str, ...] = ()) -> list[Finding]:
    """Run the checks that need no database: the text, and a given list of review words."""
    findings = detect.text_findings(text)
    if blocked_words:
        findings += _match_blocked(text, blocked_words)
    return findings


SETTING_FIELDS = (
    "report_threshold",
    "flood_max_posts",
    "flood_window_minutes",
    "duplicate_window_days",
)


def settings_for(community) -> ModerationSettings:
    """Return the community's moderation settings, or an unsaved row of the defaults."""
    row = ModerationSettings.objects.filter(community_id=community.pk).first()
    if row is not None:
        return row
    return ModerationSettings(
        community_id=community.pk, **{name: default_for(name) for name in SETTING_FIELDS}
    )


def _settings_key(community_id: int) -> str:
    return f"moderation:settings:{community_id}"


def limits_for(community) -> ModerationSettings:
    """Return the community's settings for screening, cached until they change."""
    key = _settings_key(community.pk)
    values = cache.get(key)
    if values is None:
        row = settings_for(community)
        values = {name: getattr(row, name) for name in SETTING_FIELDS}
        cache.set(key, values, BLOCKED_CACHE_SECONDS)
    return ModerationSettings(community_id=community.pk, **values)


def forget_settings(community_id: int) -> None:
    cache.delete(_settings_key(community_id))


def source_key_of(obj) -> str:
    if obj is None:
        return ""
    return f"{obj._meta.label_lower}:{obj.pk}"


# --- Floods and duplicates -----------------------------------------------------------------


def flood_findings(author_id: int, limits: ModerationSettings, now: datetime) -> list[Finding]:
    """Hold the post when the account already posted the most allowed in the window."""
    window = timedelta(minutes=limits.flood_window_minutes)
    recent = ScreenedText.objects.filter(
        author_id=author_id, created_at__gt=now - window, created_at__lte=now
    ).count()
    if recent < limits.flood_max_posts:
        return []
    return [Finding("flood", {"count": recent + 1, "minutes": limits.flood_window_minutes})]


def duplicate_findings(
    fingerprint: int,
    author_id: int | None,
    community_id: int,
    source_key: str,
    days: int,
    now: datetime,
) -> list[Finding]:
    """Find a near-copy of this text among the community's texts of the last days."""
    rows = _near_fingerprints(
        fingerprint, community_id, source_key, now - timedelta(days=days), now
    )
    copies = [a for h, a in rows if detect.distance(h, fingerprint) <= DUPLICATE_DISTANCE]
    if not copies:
        return []
    own = author_id is not None and author_id in copies
    return [Finding("duplicate", {"own": own, "days": days})]


def _near_fingerprints(fingerprint: int, community_id: int, source_key: str, since, until):
    """Return (simhash, author_id) of the window's texts with a band within one bit of ours.

    Raw SQL: this runs on every submission, and the ORM spent five times the database's
    time compiling its 68 parameters. community_id sits inside each term so that SQLite
    searches the four band indexes (MULTI-INDEX OR); PostgreSQL ORs four bitmap scans.
    """
    terms: list[str] = []
    params: list = []
    for n, values in enumerate(detect.band_probes(fingerprint)):
        terms.append(f"(community_id = %s AND band{n} IN ({', '.join(['%s'] * len(values))}))")
        params += [community_id, *values]
    ops = connection.ops
    params += [ops.adapt_datetimefield_value(since), ops.adapt_datetimefield_value(until)]
    sql = (
        f"SELECT simhash, author_id FROM {ScreenedText._meta.db_table} "  # noqa: S608
        f"WHERE ({' OR '.join(terms)}) AND created_at >= %s AND created_at <= %s"
    )
    if source_key:
        sql += " AND source <> %s"
        params.append(source_key)
    sql += f" LIMIT {MAX_DUPLICATE_CANDIDATES}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _fingerprint_columns(fingerprint: int | None) -> dict:
    if fingerprint is None:
        return {}
    columns = {f"band{n}": value for n, value in enumerate(detect.bands(fingerprint))}
    return {"simhash": detect.to_signed(fingerprint), **columns}


# --- Blocked words -------------------------------------------------------------------------

_VERSION_KEY = "moderation:blocked-words:version"


def blocked_words_for(community_id: int) -> tuple[str, ...]:
    """Return the community's and the global review words, cached until a list changes."""
    version = cache.get_or_set(_VERSION_KEY, 1, None)
    key = f"moderation:blocked-words:{community_id}:{version}"
    words = cache.get(key)
    if words is None:
        words = tuple(
            BlockedWord.objects.filter(Q(community_id=community_id) | Q(community__isnull=True))
            .order_by("word")
            .values_list("word", flat=True)
            .distinct()
        )
        cache.set(key, words, BLOCKED_CACHE_SECONDS)
    return words


def forget_blocked_words() -> None:
    """Drop every cached list: call after a word is added or removed."""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 2, None)


def blocked_word_findings(text: str, community_id: int) -> list[Finding]:
    words = blocked_words_for(community_id)
    return _match_blocked(text, words) if words else []


@lru_cache(maxsize=256)
def _blocked_pattern(words: tuple[str, ...]) -> re.Pattern:
    keys = sorted({detect.letters(detect.normalize(w)) or detect.normalize(w) for w in words})
    keys = sorted((k for k in keys if k), key=len, reverse=True)
    if not keys:
        return re.compile(r"(?!)")
    return re.compile("|".join(re.escape(k) for k in keys))


def _match_blocked(text: str, words: tuple[str, ...]) -> list[Finding]:
    """Find review words, also when spaces or punctuation were put between their letters."""
    clean = detect.normalize(text)
    pattern = _blocked_pattern(words)
    match = pattern.search(clean) or pattern.search(detect.letters(clean))
    return [Finding("blocked_word", {"word": match.group(0)})] if match else []
