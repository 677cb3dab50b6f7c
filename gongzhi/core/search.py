"""Full-text search in Chinese, and similar-document suggestions, behind a few functions.

Text is segmented with rjieba (gongzhi.search.segment) into the database's own full-text
index: PostgreSQL's tsvector with a GIN index, or SQLite's FTS5 (gongzhi.search.engines
switches on connection.vendor). Callers index what they publish and filter the hits
through their own permissions:

    index_document(kind="need", object_id=need.pk, community_id=need.community_id,
                   title=need.title, text=need.text, visible=need.is_published)
    page = search("路灯 不亮", community_ids=[community.pk], kinds=["need"])
    hits = similar(draft_text, community_id=community.pk, kinds=["need"])

Ranks compare hits of one call only: each engine scores on its own scale (bm25, ts_rank_cd),
except similar(), whose rank is a TF-IDF cosine between 0 and 1 on both.
"""

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from gongzhi.search import engines, segment

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
MAX_LIMIT = 100
SNIPPET_CHARS = 100
SNIPPET_LEAD = 20

# similar(): the text's terms sent to the engine, the candidates it returns for scoring,
# and the cosine below which a document is not offered (unrelated texts score near 0,
# rewordings of one request 0.3 and up; see gongzhi/search/tests/test_similar.py).
SIMILAR_QUERY_TERMS = 8
SIMILAR_CANDIDATES = 40
SIMILAR_COMMON_SHARE = 0.1
SIMILAR_COMMON_FROM = 1000  # documents; below this every term is cheap enough to look up
MIN_SIMILARITY = 0.2


@dataclass(frozen=True)
class Hit:
    """One document found: its identity, a rank (higher is better) and highlighted text."""

    kind: str
    object_id: int
    community_id: int
    rank: float
    title_html: SafeString
    snippet_html: SafeString


@dataclass(frozen=True)
class SearchPage:
    """One page of hits and how many there are in all.

    `count` is exact up to engines.RANK_WINDOW (1,000); `more` says there are more than
    that, and that the hits are the best of the newest 1,000 (a word found in half the
    documents of a city costs no more than a rare one). `relaxed` says no document had
    every word of the query, so these have some of them.
    """

    count: int
    hits: list[Hit] = field(default_factory=list)
    relaxed: bool = False
    more: bool = False


# --- Writing --------------------------------------------------------------------------------


def _check_kind(kind: str) -> str:
    if not KIND_PATTERN.match(kind or ""):
        raise ValueError(
            f"A search kind is 1-32 of a-z, 0-9 and _, starting with a letter: {kind!r}"
        )
    return kind


def _terms_of(entry) -> set[str]:
    return set(f"{entry.title_terms} {entry.body_terms}".split())


def _count_change(before: set[str], after: set[str]) -> dict[str, int]:
    return {**dict.fromkeys(before - after, -1), **dict.fromkeys(after - before, 1)}


def index_document(
    *,
    kind: str,
    object_id: int,
    community_id: int,
    title: str,
    text: str,
    visible: bool = True,
    is_open: bool = True,
) -> None:
    """Add or replace a document in the index.

    Call it in the transaction that changes the document, on every change of its text,
    community, visibility or openness. `is_open` says similar() may offer it (a need still
    being handled); closed documents are still found by search().
    """
    from gongzhi.search.models import SearchEntry

    _check_kind(kind)
    title = (title or "")[: SearchEntry._meta.get_field("title").max_length]
    text = text or ""
    values = {
        "community_id": community_id,
        "title": title,
        "body": text,
        "visible": bool(visible),
        "is_open": bool(is_open),
        "title_terms": " ".join(segment.index_terms(title)),
        "body_terms": " ".join(segment.index_terms(text)),
    }
    with transaction.atomic():
        locked = SearchEntry.objects.select_for_update()
        entry = locked.filter(kind=kind, object_id=object_id).first()
        if entry is None:
            try:
                with transaction.atomic():
                    entry = SearchEntry.objects.create(kind=kind, object_id=object_id, **values)
            except IntegrityError:
                # Someone indexed it a moment ago: replace theirs.
                entry = locked.get(kind=kind, object_id=object_id)
            else:
                engines.add_document_frequencies(community_id, dict.fromkeys(_terms_of(entry), 1))
                return
        if all(getattr(entry, name) == value for name, value in values.items()):
            return
        before_terms, before_community = _terms_of(entry), entry.community_id
        for name, value in values.items():
            setattr(entry, name, value)
        entry.save()
        after_terms = _terms_of(entry)
        if before_community == community_id:
            engines.add_document_frequencies(community_id, _count_change(before_terms, after_terms))
        else:
            engines.add_document_frequencies(before_community, dict.fromkeys(before_terms, -1))
            engines.add_document_frequencies(community_id, dict.fromkeys(after_terms, 1))


def remove_document(*, kind: str, object_id: int) -> None:
    """Take a document out of the index; nothing happens if it is not there."""
    from gongzhi.search.models import SearchEntry

    with transaction.atomic():
        locked = SearchEntry.objects.select_for_update()
        entry = locked.filter(kind=kind, object_id=object_id).first()
        if entry is None:
            return
        terms = _terms_of(entry)
        entry.delete()
        engines.add_document_frequencies(entry.community_id, dict.fromkeys(terms, -1))


def bulk_index(rows: Iterable[Mapping], *, batch_size: int = 1000) -> int:
    """Index many documents at once (a rebuild, a data load); return how many.

    Each row has the keyword arguments of index_document. Documents already indexed are
    replaced.
    """
    from gongzhi.search.models import SearchEntry

    total = 0
    batch: list[Mapping] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= batch_size:
            total += _index_batch(SearchEntry, batch)
            batch = []
    if batch:
        total += _index_batch(SearchEntry, batch)
    return total


def _index_batch(SearchEntry, rows: list[Mapping]) -> int:
    # The last row for a document wins, as if indexed one after another.
    by_key = {(_check_kind(row["kind"]), int(row["object_id"])): row for row in rows}
    entries = []
    added: dict[int, Counter] = {}
    for (kind, object_id), row in by_key.items():
        title = (row.get("title") or "")[: SearchEntry._meta.get_field("title").max_length]
        text = row.get("text") or ""
        entry = SearchEntry(
            kind=kind,
            object_id=object_id,
            community_id=row["community_id"],
            title=title,
            body=text,
            visible=bool(row.get("visible", True)),
            is_open=bool(row.get("is_open", True)),
            title_terms=" ".join(segment.index_terms(title)),
            body_terms=" ".join(segment.index_terms(text)),
        )
        entries.append(entry)
        added.setdefault(entry.community_id, Counter()).update(_terms_of(entry))
    with transaction.atomic():
        _remove_existing(SearchEntry, by_key)
        SearchEntry.objects.bulk_create(entries)
        for community_id, counts in added.items():
            engines.add_document_frequencies(community_id, counts)
    return len(entries)


def _remove_existing(SearchEntry, keys: Mapping[tuple[str, int], object]) -> None:
    """Delete the indexed versions of these documents, taking back their frequencies."""
    by_kind: dict[str, list[int]] = {}
    for kind, object_id in keys:
        by_kind.setdefault(kind, []).append(object_id)
    for kind, object_ids in by_kind.items():
        existing = SearchEntry.objects.filter(kind=kind, object_id__in=object_ids)
        removed: dict[int, Counter] = {}
        for community_id, title_terms, body_terms in existing.values_list(
            "community_id", "title_terms", "body_terms"
        ):
            terms = set(f"{title_terms} {body_terms}".split())
            removed.setdefault(community_id, Counter()).update(terms)
        if not removed:
            continue
        existing.delete()
        for community_id, counts in removed.items():
            engines.add_document_frequencies(community_id, {t: -n for t, n in counts.items()})


# --- Searching ------------------------------------------------------------------------------


def _scope_kinds(kinds: Iterable[str]) -> list[str]:
    return [_check_kind(kind) for kind in dict.fromkeys(kinds)]


def _strict_match(words: list[str]) -> engines.Match:
    """Every word, each either whole or as all of its parts (健身器材 or 健身 + 器材)."""
    match: engines.Match = []
    for word in words:
        parts = segment.word_parts(word)
        match.append([(word,), tuple(parts)] if parts else [(word,)])
    return match


def search(
    query: str,
    *,
    community_ids: Iterable[int] | None,
    kinds: Iterable[str],
    limit: int = 20,
    offset: int = 0,
) -> SearchPage:
    """Return the visible documents of these kinds and communities that match a query.

    Documents with every word of the query, best first (of the newest 1,000: see
    SearchPage). When none has them all, the page holds those with any word of it and says
    it is relaxed. community_ids=None searches every community: the caller decides who may.
    """
    kinds = _scope_kinds(kinds)
    communities = None if community_ids is None else [int(c) for c in community_ids]
    query = (query or "")[:MAX_QUERY_CHARS]
    words = segment.query_words(query)[:MAX_QUERY_WORDS]
    if not words or not kinds or communities == []:
        return SearchPage(count=0)
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    scope = engines.Scope(kinds=kinds, community_ids=communities)

    match = _strict_match(words)
    count, rows = engines.find_page(match, scope, limit=limit, offset=offset)
    relaxed = False
    if count == 0:
        strict_terms = [term for group in match for alternative in group for term in alternative]
        terms = list(dict.fromkeys(strict_terms + segment.loose_words(query)))
        if len(terms) > 1:
            relaxed = True
            match = [[(term,) for term in terms]]
            count, rows = engines.find_page(match, scope, limit=limit, offset=offset)
    pattern = _highlighter(t for group in match for alt in group for t in alt)
    hits = [_hit(row, row.rank, pattern) for row in rows]
    more = count > engines.RANK_WINDOW
    return SearchPage(count=min(count, engines.RANK_WINDOW), hits=hits, relaxed=relaxed, more=more)


# --- Similar documents ----------------------------------------------------------------------


def _idf(df: int, documents: int) -> float:
    return math.log((documents + 1) / (df + 1)) + 1


def _document_frequencies(community_id: int, terms: Iterable[str]) -> dict[str, int]:
    from gongzhi.search.models import SearchTerm

    terms = list(terms)
    if not terms:
        return {}
    rows = SearchTerm.objects.filter(community_id=community_id, term__in=terms)
    return {term: max(df, 0) for term, df in rows.values_list("term", "df")}


def _weights(counts: Counter, df: Mapping[str, int], documents: int) -> dict[str, float]:
    return {term: n * _idf(df.get(term, 0), documents) for term, n in counts.items()}


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    dot = sum(weight * b[term] for term, weight in a.items() if term in b)
    if not dot:
        return 0.0
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm


def similar(
    text: str,
    *,
    community_id: int,
    kinds: Iterable[str],
    limit: int = 5,
    exclude_ids: Iterable[int] = (),
) -> list[Hit]:
    """Return open, visible documents of a community that say much the same as `text`.

    Ranked by the cosine of TF-IDF vectors (IDF from the community's indexed documents),
    best first; those under MIN_SIMILARITY are left out, so an unrelated text gets none.
    `exclude_ids` are object ids to leave out (the document being edited).
    """
    from gongzhi.search.models import SearchEntry

    kinds = _scope_kinds(kinds)
    counts = Counter(segment.index_terms(text))
    if not counts or not kinds:
        return []
    documents = SearchEntry.objects.filter(community_id=community_id).count()
    if not documents:
        return []
    df = _document_frequencies(community_id, counts)
    query = _weights(counts, df, documents)
    # Terms nobody else used cannot find anything; in a large community, very common ones
    # would make the engine rank most of it for little gain (they still count in the cosine).
    usable = sorted((t for t in query if df.get(t)), key=lambda t: (-query[t], t))
    if documents >= SIMILAR_COMMON_FROM:
        usable = [t for t in usable if df[t] <= SIMILAR_COMMON_SHARE * documents] or usable
    terms = usable[:SIMILAR_QUERY_TERMS]
    if not terms:
        return []
    scope = engines.Scope(
        kinds=kinds,
        community_ids=[community_id],
        open_only=True,
        exclude_object_ids=[int(i) for i in exclude_ids],
    )
    idf = {term: _idf(df[term], documents) for term in terms}
    rows = engines.find_candidates(idf, scope, limit=SIMILAR_CANDIDATES)
    if not rows:
        return []
    vectors = {row.id: Counter(f"{row.title_terms} {row.body_terms}".split()) for row in rows}
    unknown = set().union(*vectors.values()) - df.keys()
    df.update(_document_frequencies(community_id, unknown))
    scored = []
    for row in rows:
        score = _cosine(query, _weights(vectors[row.id], df, documents))
        if score >= MIN_SIMILARITY:
            scored.append((score, row))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].id))
    pattern = _highlighter(query)
    return [_hit(row, round(score, 4), pattern) for score, row in scored[: max(0, limit)]]


# --- Highlighting ---------------------------------------------------------------------------


def _highlighter(terms: Iterable[str]) -> re.Pattern | None:
    terms = sorted(set(terms), key=len, reverse=True)
    if not terms:
        return None
    return re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)


def _display(text: str) -> str:
    # As segmented (full-width letters made plain), on one line.
    return " ".join(segment.prepare_for_display(text).split())


def _marked(text: str, pattern: re.Pattern | None) -> SafeString:
    """Return text as HTML with the matches of pattern in <mark>."""
    if pattern is None:
        return escape(text)
    out: list[str] = []
    last = 0
    for found in pattern.finditer(text):
        out.append(escape(text[last : found.start()]))
        out.append(f"<mark>{escape(found.group())}</mark>")
        last = found.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece was escaped above


def _snippet(text: str, pattern: re.Pattern | None) -> SafeString:
    """Return up to SNIPPET_CHARS of text around its first match, highlighted."""
    found = pattern.search(text) if pattern else None
    start = max(0, found.start() - SNIPPET_LEAD) if found else 0
    end = min(len(text), start + SNIPPET_CHARS)
    start = max(0, min(start, end - SNIPPET_CHARS))
    piece = _marked(text[start:end], pattern)
    before = "…" if start > 0 else ""
    after = "…" if end < len(text) else ""
    return mark_safe(f"{before}{piece}{after}")  # noqa: S308 - piece is escaped


def _hit(row: engines.Row, rank: float, pattern: re.Pattern | None) -> Hit:
    return Hit(
        kind=row.kind,
        object_id=row.object_id,
        community_id=row.community_id,
        rank=float(rank),
        title_html=_marked(_display(row.title), pattern),
        snippet_html=_snippet(_display(row.body), pattern),
    )
