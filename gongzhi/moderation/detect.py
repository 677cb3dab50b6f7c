"""Spam signals in one text, without the database: fast, pure functions.

screening.screen() combines these with the checks that need history (repeated texts,
floods) and the blocked-word lists. Each check returns Findings: a code and its parameters,
turned into a sentence in the moderator's language by describe().

Thresholds were set on the tune part of tests/data/labelled_posts.jsonl and checked on its
holdout part (see tests/test_spam_quality.py).
"""

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import rjieba
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# --- Findings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One reason to hold a post: a code and what was found."""

    code: str
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"code": self.code, "params": dict(self.params)}


def describe(finding: Finding | dict) -> str:
    """Return the finding as a sentence for moderators, in the active language."""
    if isinstance(finding, dict):
        code, p = finding.get("code", ""), finding.get("params") or {}
    else:
        code, p = finding.code, finding.params
    if code == "repeated_phrase":
        return ngettext(
            "Keyword stuffing: “%(phrase)s” appears %(count)d time.",
            "Keyword stuffing: “%(phrase)s” appears %(count)d times.",
            p.get("count", 0),
        ) % {"phrase": p.get("phrase", ""), "count": p.get("count", 0)}
    if code == "repetitive_text":
        return _("Keyword stuffing: %(percent)d%% of the text repeats the same phrases.") % {
            "percent": p.get("percent", 0)
        }
    if code == "repetitive_terms":
        return _(
            "Keyword stuffing: %(distinct)d different words in %(total)d; "
            "“%(term)s” appears %(count)d times."
        ) % {
            "distinct": p.get("distinct", 0),
            "total": p.get("total", 0),
            "term": p.get("term", ""),
            "count": p.get("count", 0),
        }
    if code == "links":
        return _(
            "Looks like an advertisement or a list of teasers: %(links)d link(s), "
            "%(contacts)d contact id(s) or phone number(s), %(calls)d sales call(s) "
            "such as “%(example)s”."
        ) % {
            "links": p.get("links", 0),
            "contacts": p.get("contacts", 0),
            "calls": p.get("calls", 0),
            "example": p.get("example", ""),
        }
    if code == "duplicate":
        if p.get("own"):
            return _(
                "The same text was already posted by this account in the last %(days)d days."
            ) % {"days": p.get("days", 0)}
        return _(
            "The same text was already posted by another account in the last %(days)d days."
        ) % {"days": p.get("days", 0)}
    if code == "flood":
        return _("Flood: %(count)d posts from this account in %(minutes)d minutes.") % {
            "count": p.get("count", 0),
            "minutes": p.get("minutes", 0),
        }
    if code == "blocked_word":
        return _("Contains a word on the review list: “%(word)s”.") % {"word": p.get("word", "")}
    if code == "text":
        return str(p.get("text", ""))
    return code


# --- Normalising ---------------------------------------------------------------------------

# Zero-width and joiner characters spammers put between letters to dodge matching.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_HAN_OR_ALNUM = re.compile(r"[\u3400-\u9fff\uf900-\ufaffa-z0-9]")
# One or two characters repeated three times or more in a row (哈哈哈哈, 加油加油加油) are
# emphasis, not stuffing: keep two copies.
_STAMMER = re.compile(r"(.{1,2}?)\1{2,}")


def normalize(text: str) -> str:
    """Return the text in NFKC form (full-width to half-width), lower case, without invisibles."""
    return unicodedata.normalize("NFKC", text or "").translate(_INVISIBLE).lower()


def letters(text: str) -> str:
    """Keep only Han characters, Latin letters and digits: the text's 'letters'."""
    return "".join(_HAN_OR_ALNUM.findall(text))


# --- Links, contacts and sales calls -------------------------------------------------------

_TLDS = (
    "com|cn|net|org|info|biz|top|xyz|vip|cc|me|tv|co|io|ly|site|shop|club|online|fun|icu|"
    "ink|wang|ren|tech|link|live|store|app|pro|work|asia|mobi|tk|ml|ga|cf|gq|la|im|to"
)
URL = re.compile(
    r"(?:https?://|www\.)[^\s，。！？、；）)】>]+"
    rf"|(?<![@\w.])[a-z0-9][a-z0-9-]{{0,62}}(?:\.[a-z0-9-]{{1,63}})*\.(?:{_TLDS})\b(?:/[^\s，。！？]*)?",
)
MOBILE = re.compile(r"(?<!\d)1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)(?:0\d{2,3}-?\d{7,8}|400-?\d{3}-?\d{4})(?!\d)")
# A messaging id after its marker: 微信/v信/vx/wx/QQ/扣扣 and their disguises.
CONTACT_ID = re.compile(
    r"(?:微信|威信|薇信|徽信|v信|vx|wx|weixin|wechat|qq|扣扣|加v|\+v|(?<![a-z])v)"
    r"\s*(?:号|号码|id)?\s*[:：]?\s*([a-z][a-z0-9_-]{4,19}|\d{5,11})(?![a-z0-9])"
)
# Calls to act that advertisements and teasers use. Community notices use a few of them
# too (报名, 名额有限), so they only count next to links or contact ids.
SALES_CALLS = (
    "点击",
    "点此",
    "戳这",
    "戳我",
    "加微",
    "加v",
    "+v",
    "加我",
    "私聊",
    "私信",
    "免费领",
    "领取",
    "0元",
    "扫码",
    "进群",
    "速看",
    "速来",
    "速领",
    "手慢无",
    "限时",
    "仅限今天",
    "日赚",
    "日结",
    "月入",
    "兼职",
    "刷单",
    "返利",
    "贷款",
    "借款",
    "秒到",
    "征信",
    "一折",
    "特价",
    "红包",
    "秘方",
    "必涨",
    "荐股",
    "代开发票",
    "包过",
    "稳赚",
)
_SALES = re.compile("|".join(re.escape(w) for w in SALES_CALLS))

# Weights of the advertisement score; held at AD_THRESHOLD. Words alone never make an ad
# (an anti-fraud notice quotes them all): a link, a messaging id or a phone number must be
# there too.
AD_THRESHOLD = 1.1
W_ONE_LINK = 0.5  # one link is common in honest posts (a form, a government page)
W_LINK = 0.8  # each link when there are several
W_ID = 0.85
W_PHONE = 0.35
W_CALL = 0.25
MAX_CALLS = 4
PHONE_ONLY_CALLS = 3  # with a phone number but no link or id, this many calls make an ad


@dataclass(frozen=True)
class Contacts:
    links: int
    ids: int
    phones: int
    calls: list[str]


def contacts_in(text: str) -> Contacts:
    """Count links, messaging ids, phone numbers and distinct sales calls in normalised text."""
    links = URL.findall(text)
    rest = URL.sub(" ", text)
    ids = CONTACT_ID.findall(rest)
    rest = CONTACT_ID.sub(" ", rest)
    phones = set(MOBILE.findall(rest)) | set(LANDLINE.findall(rest))
    calls = list(dict.fromkeys(_SALES.findall(text)))
    return Contacts(links=len(links), ids=len(set(ids)), phones=len(phones), calls=calls)


def ad_findings(text: str) -> list[Finding]:
    """Find advertisements and teaser lists: links and contact ids with calls to act."""
    c = contacts_in(text)
    if not (c.links or c.ids or c.phones):
        return []
    score = (
        (W_ONE_LINK if c.links == 1 else W_LINK * c.links)
        + W_ID * c.ids
        + W_PHONE * c.phones
        + W_CALL * min(len(c.calls), MAX_CALLS)
    )
    if not (c.links or c.ids) and len(c.calls) < PHONE_ONLY_CALLS:
        # Phone numbers are normal in notices, lost-and-found and sales between neighbours.
        return []
    if score < AD_THRESHOLD:
        return []
    return [
        Finding(
            "links",
            {
                "links": c.links,
                "contacts": c.ids + c.phones,
                "calls": len(c.calls),
                "example": c.calls[0] if c.calls else "",
            },
        )
    ]


# --- Keyword stuffing and spliced phrases --------------------------------------------------

GRAM = 4  # characters per shingle
MIN_REPEATS = 3  # a phrase counts as repeated from its third occurrence
MIN_LETTERS = 40  # shorter texts are not checked for stuffing
PHRASE_LENGTH = 6  # a repeated phrase this long is stuffing (keywords: 地名+行业+后缀)
SHORT_PHRASE_LENGTH = 5  # a shorter one must repeat more often
SHORT_PHRASE_REPEATS = 5
COVERAGE = 0.25  # share of the text covered by repeated phrases
# Segmented words (two Han characters or more): a stuffed text has few different ones, or
# one word far above the rate at which residents repeat the subject of their post.
MIN_TERMS = 30
DISTINCT_RATIO = 0.45
TOP_TERM_COUNT = 10
TOP_TERM_SHARE = 0.2
_TERM = re.compile(r"^[\u3400-\u9fff]{2,}$")


@dataclass(frozen=True)
class Repetition:
    coverage: float
    phrase: str
    count: int


def repetition(text: str) -> Repetition:
    """Measure repeated phrases: share of letters inside 4-grams seen 3+ times, longest phrase.

    The longest run of such letters is the longest repeated phrase; its count is the fewest
    occurrences among its 4-grams. Shingles with digits do not count: addresses and dates
    (7栋2单元, 6月3日至6月5日) repeat their shape in honest posts.
    """
    s = _STAMMER.sub(r"\1\1", letters(text))
    n = len(s) - GRAM + 1
    if n <= 0:
        return Repetition(0.0, "", 0)
    grams = [s[i : i + GRAM] for i in range(n)]
    counts = Counter(grams)
    digits_before = [0]
    for char in s:
        digits_before.append(digits_before[-1] + char.isdigit())
    covered = bytearray(len(s))
    best_start = best_len = 0
    run_start = -1
    for i, gram in enumerate(grams):
        no_digit = digits_before[i + GRAM] == digits_before[i]
        if counts[gram] >= MIN_REPEATS and no_digit and len(set(gram)) > 2:
            covered[i : i + GRAM] = b"\x01" * GRAM
            if run_start < 0:
                run_start = i
            length = i - run_start + GRAM
            if length > best_len:
                best_start, best_len = run_start, length
        else:
            run_start = -1
    if not best_len:
        return Repetition(0.0, "", 0)
    phrase = s[best_start : best_start + best_len]
    count = min(counts[phrase[j : j + GRAM]] for j in range(len(phrase) - GRAM + 1))
    return Repetition(sum(covered) / len(s), phrase, count)


def stuffing_findings(text: str) -> list[Finding]:
    """Find keyword stuffing and phrases spliced again and again into the text."""
    # Links, phone numbers and ids repeat their digits without being stuffing.
    body = LANDLINE.sub(" ", MOBILE.sub(" ", CONTACT_ID.sub(" ", URL.sub(" ", text))))
    if len(letters(body)) < MIN_LETTERS:
        return []
    rep = repetition(body)
    long_phrase = len(rep.phrase) >= PHRASE_LENGTH and rep.count >= MIN_REPEATS
    short_phrase = len(rep.phrase) >= SHORT_PHRASE_LENGTH and rep.count >= SHORT_PHRASE_REPEATS
    if long_phrase or short_phrase:
        return [Finding("repeated_phrase", {"phrase": rep.phrase[:30], "count": rep.count})]
    if rep.coverage >= COVERAGE:
        return [Finding("repetitive_text", {"percent": round(rep.coverage * 100)})]
    return term_findings(body)


def term_findings(text: str) -> list[Finding]:
    """Find stuffing in segmented words: few distinct words, or one word far too often."""
    terms: list[str] = []
    for word in rjieba.cut(text):
        # A word said again and again in a row (加油加油加油) is emphasis, counted once.
        if _TERM.match(word) and (not terms or terms[-1] != word):
            terms.append(word)
    if len(terms) < MIN_TERMS:
        return []
    counts = Counter(terms)
    term, count = counts.most_common(1)[0]
    few_words = len(counts) / len(terms) < DISTINCT_RATIO
    one_word = count >= TOP_TERM_COUNT and count / len(terms) >= TOP_TERM_SHARE
    if not (few_words or one_word):
        return []
    params = {"distinct": len(counts), "total": len(terms), "term": term, "count": count}
    return [Finding("repetitive_terms", params)]


def text_findings(text: str) -> list[Finding]:
    """Run every check that needs nothing but the text."""
    clean = normalize(text)
    return ad_findings(clean) + stuffing_findings(clean)


# --- Fingerprints --------------------------------------------------------------------------

SIMHASH_BITS = 64
MIN_FINGERPRINT_LETTERS = 20  # shorter texts ("支持！") are repeated by many honest people
_MASK = (1 << SIMHASH_BITS) - 1
# WeChat-style emoji codes ([玫瑰], [微笑]) and short tags (【转】, 【扩散】) that copies gain
# or lose on the way.
_DECORATION = re.compile(r"\[[\u4e00-\u9fff]{1,4}\]|【[^】]{1,6}】")
# Simple tabulation hashing of character 3-shingles: one random 64-bit value per character
# and position, XORed. Stable across processes (unlike hash()) and cheap in Python.
_TABLES: tuple[dict[str, int], dict[str, int], dict[str, int]] = ({}, {}, {})
# _BIT[i][byte] is 1 when bit i of byte is set: counts bits with bytes.translate().count().
_BIT = [bytes((b >> i) & 1 for b in range(256)) for i in range(8)]


def _char_value(position: int, char: str) -> int:
    table = _TABLES[position]
    value = table.get(char)
    if value is None:
        digest = hashlib.blake2b(f"{position}:{char}".encode(), digest_size=8).digest()
        value = table[char] = int.from_bytes(digest, "little")
    return value


def simhash(text: str) -> int | None:
    """Return the 64-bit simhash of the text's character 3-shingles, None if too short."""
    s = letters(_DECORATION.sub("", normalize(text)))
    if len(s) < MIN_FINGERPRINT_LETTERS:
        return None
    t0, t1, t2 = _TABLES
    hashes = []
    for i in range(len(s) - 2):
        a, b, c = s[i], s[i + 1], s[i + 2]
        hashes.append(
            (t0.get(a) or _char_value(0, a))
            ^ (t1.get(b) or _char_value(1, b))
            ^ (t2.get(c) or _char_value(2, c))
        )
    # Bit k of the result is set when more than half the shingle hashes have it set.
    packed = b"".join(h.to_bytes(8, "little") for h in hashes)
    half = len(hashes) / 2
    value = 0
    for byte in range(8):
        column = packed[byte::8]
        for bit in range(8):
            if column.translate(_BIT[bit]).count(1) > half:
                value |= 1 << (8 * byte + bit)
    return value


def to_signed(value: int) -> int:
    """Store an unsigned 64-bit value in a signed BIGINT column."""
    return value - (1 << 64) if value >= 1 << 63 else value


BANDS = 4
BAND_BITS = 16


def bands(value: int) -> tuple[int, ...]:
    """Split a 64-bit simhash into four 16-bit bands."""
    mask = (1 << BAND_BITS) - 1
    return tuple((value >> (BAND_BITS * n)) & mask for n in range(BANDS))


def band_probes(value: int) -> list[list[int]]:
    """Return, for each band, its value and the 16 values one bit away from it."""
    return [[band] + [band ^ (1 << bit) for bit in range(BAND_BITS)] for band in bands(value)]


def distance(a: int, b: int) -> int:
    """Hamming distance of two 64-bit fingerprints (signed or not)."""
    return ((a ^ b) & _MASK).bit_count()
