"""Chinese text tools: pinyin keys for finding names typed in Latin letters."""

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=65536)
def pinyin_keys(text: str) -> tuple[str, str]:
    """Return (full pinyin, initials) in lower case for a name: 张三 -> ("zhangsan", "zs")."""
    text = (text or "").strip()
    full = lazy_pinyin(text, errors="ignore")
    initials = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(full).lower(), "".join(initials).lower()


# Two-character surnames, so that the given name of 欧阳小明 is 小明, not 阳小明.
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "令狐",
        "端木",
        "轩辕",
        "呼延",
        "南宫",
        "独孤",
        "申屠",
        "万俟",
        "闻人",
        "澹台",
        "公冶",
        "宗政",
        "濮阳",
        "太叔",
        "仲孙",
        "钟离",
        "赫连",
    ]
)


def given_name(name: str) -> str:
    """Return the name without its surname: 张建国 -> 建国, 欧阳小明 -> 小明."""
    name = (name or "").strip()
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[2:]
    return name[1:] if len(name) >= 2 else ""


def prefix_range(prefix: str) -> tuple[str, str]:
    """Return (low, high) bounds so that low <= value < high means value starts with prefix.

    A range lets a plain B-tree index serve prefix search on SQLite and PostgreSQL alike,
    whatever the collation.
    """
    return prefix, prefix + "\U0010ffff"
