"""Chinese word segmentation for the full-text index, with rjieba.

A term is a lower-cased run of letters and digits (Unicode categories L* and Nd, Nl); any
other character separates terms. Both engines index exactly these terms: PostgreSQL builds
its tsvector from them without a parser, and SQLite's unicode61 tokenizer keeps such runs
whole, so the same text gives the same terms on both.
"""

import functools
import unicodedata

import rjieba

MAX_TERM_LENGTH = 64  # SearchTerm.term
_TERM_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Nl"})


def _words(text: str) -> list[str]:
    return text.split()


# Words of community life that the stock dictionary splits badly ("路灯不亮" -> 路 / 灯不亮,
# "适老化" -> 适 / 老化). A high frequency makes the segmenter prefer them.
COMMUNITY_WORDS = _words(
    "路灯 楼道灯 声控灯 不亮 充电桩 快递柜 助餐 助餐点 适老化 网格员 水压 广场舞 门禁"
)
COMMUNITY_WORD_FREQUENCY = 50_000

# Function words that say nothing about what a text is about.
STOP_WORDS = frozenset(
    _words(
        """
        的 地 得 了 着 过 和 与 及 或 而 并 且 也 又 还 都 就 才 只 是 在 有 没 不 没有 很 太 更 最
        这 那 这个 那个 这些 那些 这里 那里 这样 那样 这么 那么 其 其他 之 所 以 为 被 把 将 让 给
        对 向 从 到 于 由 比 跟 同 把 吧 吗 呢 啊 呀 哦 嗯 哈 啦 么 嘛 哟 哎 喂 我 你 您 他 她 它
        我们 你们 他们 她们 它们 咱们 大家 自己 一个 一些 一下 一点 一直 什么 怎么 怎样 为什么
        如何 哪 哪里 谁 因为 所以 但是 但 可是 如果 虽然 然后 而且 或者 还是 就是 已经 可以 能 会
        要 想 请 个 些 等 等等 啥 咋 呃
        a an the and or but of to in on at for from by with as is are was were be been being
        it its this that these those there here i you he she we they me my our your his her
        their not no do does did so if then than too very can will would should could
        """
    )
)


@functools.cache
def _segmenter() -> rjieba.Jieba:
    """Return our own segmenter, so the community words do not change anyone else's."""
    segmenter = rjieba.Jieba()
    for word in COMMUNITY_WORDS:
        segmenter.add_word(word, COMMUNITY_WORD_FREQUENCY, None)
    return segmenter


# Full-width letters and digits (３号楼, ＷＩＦＩ) as plain ones; punctuation stays as typed.
_PLAIN_LETTERS = {
    code: code - 0xFEE0
    for first, last in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for code in range(first, last + 1)
}


def prepare_for_display(text: str) -> str:
    """Return text with full-width letters and digits made plain, as terms spell them."""
    return (text or "").translate(_PLAIN_LETTERS)


def _prepare(text: str) -> str:
    # NFKC also folds compatibility forms (①, ﬁ) the way a user would type them.
    return unicodedata.normalize("NFKC", text or "").lower()


def _split(token: str) -> list[str]:
    """Return the terms inside one segmenter token, cut at anything but letters and digits."""
    terms, current = [], []
    for char in token:
        if unicodedata.category(char) in _TERM_CATEGORIES:
            current.append(char)
        elif current:
            terms.append("".join(current))
            current = []
    if current:
        terms.append("".join(current))
    return [term[:MAX_TERM_LENGTH] for term in terms]


def _terms(tokens: list[str]) -> list[str]:
    return [term for token in tokens for term in _split(token) if term not in STOP_WORDS]


def index_terms(text: str) -> list[str]:
    """Return the terms to index for a text, in order: words and the shorter words in them."""
    return _terms(_segmenter().cut_for_search(_prepare(text)))


def query_words(text: str) -> list[str]:
    """Return the distinct words of a query, in order."""
    return list(dict.fromkeys(_terms(_segmenter().cut(_prepare(text)))))


def word_parts(word: str) -> list[str]:
    """Return shorter indexed words that together spell `word`, or [] if there are none.

    健身器材 -> [健身, 器材]: a document that says 健身的器材 has both parts but not the whole.
    """
    if len(word) < 3:
        return []
    spans: dict[int, list[str]] = {}
    for part in _segmenter().cut_for_search(word):
        if part != word and len(part) >= 2:
            start = word.find(part)
            while start != -1:
                spans.setdefault(start, []).append(part)
                start = word.find(part, start + 1)
    # Tile the word left to right with the parts, longest first; single characters may fill
    # no gap, since they match too much.
    best: dict[int, list[str]] = {0: []}
    for position in range(len(word)):
        if position not in best:
            continue
        for part in sorted(spans.get(position, []), key=len, reverse=True):
            end = position + len(part)
            if end not in best:
                best[end] = best[position] + [part]
    parts = best.get(len(word), [])
    return [term for part in parts for term in _split(part) if term not in STOP_WORDS]


def loose_words(text: str) -> list[str]:
    """Return the words of a text and every longer dictionary word inside it.

    For a query that found nothing: 路灯不亮 may be indexed as 路灯 + 不亮 or 路 + 灯不亮.
    Single characters come only from the query's own words (晚上 does not give 上).
    """
    prepared = _prepare(text)
    segmenter = _segmenter()
    inside = [word for word in segmenter.cut_all(prepared) if len(word) > 1]
    return list(dict.fromkeys(_terms(segmenter.cut(prepared) + inside)))
