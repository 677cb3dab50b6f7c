"""Chinese text tools: pinyin keys for finding names typed in Latin letters."""

from pypinyin import Style, lazy_pinyin


def pinyin_keys(text: str) -> tuple[str, str]:
    """Return (full pinyin, initials) in lower case for a name: 张三 -> ("zhangsan", "zs")."""
    text = (text or "").strip()
    full = lazy_pinyin(text, errors="ignore")
    initials = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(full).lower(), "".join(initials).lower()


def prefix_range(prefix: str) -> tuple[str, str]:
    """Return (low, high) bounds so that low <= value < high means value starts with prefix.

    A range lets a plain B-tree index serve prefix search on SQLite and PostgreSQL alike,
    whatever the collation.
    """
    return prefix, prefix + "\U0010ffff"
