"""The Chinese catalogue: complete, placeholder-safe, up to date with the code, and used."""

import ast
import io
import os
import re
import tokenize
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "gongzhi" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

# The folders makemessages is told to skip (--ignore=...), plus caches.
IGNORED_DIRS = {".venv", "node_modules", "bench", "tests", "__pycache__"}

# Call name -> positions of (context, singular, plural) among the string arguments.
GETTEXT_CALLS = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}

# printf-style (named or not), brace-style and HTML tags must survive translation.
PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sdifr]|%[sdifr]|%%|\{[A-Za-z_]\w*\}|</?[a-z]+\b[^>]*>")


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    assert CATALOGUE.exists(), f"{CATALOGUE} is missing: run makemessages -l zh_Hans"
    return polib.pofile(str(CATALOGUE))


def source_files(suffixes: tuple[str, ...]):
    """Yield the project files makemessages reads, skipping the ignored folders."""
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in IGNORED_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(suffixes):
                yield Path(folder) / name


def message_key(call: str, strings: list[str]) -> tuple[str, str, str] | None:
    """Return (context, msgid, plural) for a gettext call's leading string arguments."""
    ctx_at, one_at, many_at = GETTEXT_CALLS[call]
    needed = max(i for i in (ctx_at, one_at, many_at) if i is not None) + 1
    if len(strings) < needed:
        return None  # not a literal: xgettext skips it too
    ctx, one, many = (strings[i] if i is not None else "" for i in (ctx_at, one_at, many_at))
    return ctx, one, many


def python_messages(path: Path):
    """Yield the message keys of gettext calls with literal arguments in a .py file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in GETTEXT_CALLS:
            continue
        strings = []
        for arg in node.args:
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                break
            strings.append(arg.value)
        key = message_key(name, strings)
        if key:
            yield key


def template_messages(path: Path):
    """Yield the message keys of a template, read the way makemessages reads it."""
    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    # templatize writes each call on one line as name(repr, repr, ...), amid X/B filler.
    for match in re.finditer(r"(?<![\w.])(_|n?p?gettext)\(", code):
        line_end = code.find("\n", match.end())
        rest = code[match.end() : line_end if line_end != -1 else None]
        strings = []
        for token in tokenize.generate_tokens(io.StringIO(rest).readline):
            if token.type == tokenize.STRING:
                strings.append(ast.literal_eval(token.string))
            elif token.string != ",":
                break
        key = message_key(match.group(1), strings)
        if key:
            yield key


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_catalogue_header_is_simplified_chinese_with_one_plural_form(catalogue):
    assert catalogue.metadata["Language"] == "zh_Hans"
    assert catalogue.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "charset=UTF-8" in catalogue.metadata["Content-Type"]


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy}"


def test_translations_keep_every_placeholder_and_tag(catalogue):
    broken = []
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            wanted = placeholders(entry.msgid_plural)
            found = [placeholders(s) for s in entry.msgstr_plural.values()]
        else:
            wanted, found = placeholders(entry.msgid), [placeholders(entry.msgstr)]
        broken += [(entry.msgid, f) for f in found if f != wanted]
    assert not broken, f"placeholders differ: {broken}"


def test_plural_entries_have_the_single_chinese_form(catalogue):
    plural = [e for e in catalogue if e.msgid_plural and not e.obsolete]
    assert plural, "expected some plural entries (ngettext, blocktranslate count)"
    assert all(set(e.msgstr_plural) == {0} for e in plural)


def test_catalogue_holds_every_string_the_code_marks_for_translation(catalogue):
    known = {(e.msgctxt or "", e.msgid, e.msgid_plural or "") for e in catalogue}
    # xgettext folds a msgid used both with and without a plural into one plural entry, and
    # gettext() then never finds the singular: it stays English at run time.
    plural_only = {(ctx, msgid) for ctx, msgid, plural in known if plural}
    found = {}
    for path in source_files((".py",)):
        for key in python_messages(path):
            found.setdefault(key, path)
    for path in source_files((".html", ".txt")):
        for key in template_messages(path):
            found.setdefault(key, path)
    assert len(found) > 500, "the scan found too few strings: is the extraction broken?"
    missing = sorted(
        f"{path.relative_to(ROOT)}: {msgid!r}"
        + (
            " (also used with a plural: reword it or give one use a context)"
            if not plural and (ctx, msgid) in plural_only
            else ""
        )
        for (ctx, msgid, plural), path in found.items()
        if (ctx, msgid, plural) not in known
    )
    assert not missing, (
        f"{len(missing)} strings are not in the catalogue; run `manage.py makemessages "
        "-l zh_Hans --ignore=.venv --ignore=node_modules --ignore=bench --ignore=tests "
        "--no-obsolete` and translate them:\n" + "\n".join(missing)
    )


class VisibleText(HTMLParser):
    """Collect the text a user sees or hears: text nodes and labelling attributes."""

    HIDDEN = {"script", "style", "template"}
    SPOKEN = {"aria-label", "title", "placeholder", "alt"}

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        self.chunks += [value for name, value in attrs if name in self.SPOKEN and value]

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.chunks.append(data.strip())


def visible_text(response) -> str:
    parser = VisibleText()
    parser.feed(response.content.decode())
    return "\n".join(parser.chunks)


def english_phrases(text: str) -> list[str]:
    """Runs of two or more English words: what an untranslated label looks like."""
    return re.findall(r"\b[A-Za-z]{2,}(?:[ '’-]+[A-Za-z]{2,})+\b", text)


def get_in_chinese(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"
    return visible_text(response)


@pytest.mark.django_db
def test_login_page_speaks_chinese(client):
    text = get_in_chinese(client, reverse("accounts:login"))
    for label in ("登录", "手机号", "长辈模式", "朗读"):
        assert label in text
    for label in ("Log in", "Mobile number", "Elder mode", "Read aloud"):
        assert label not in text
    assert english_phrases(text) == []


def test_registry_overview_speaks_chinese_to_a_community_worker(client, world):
    client.force_login(world.users["community_worker"])
    text = get_in_chinese(client, reverse("registry:community", args=[world.community.pk]))
    for label in ("居民", "查找居民", "年龄结构", "小区和楼栋", "长辈模式", "退出登录"):
        assert label in text
    for label in ("Find a resident", "Age structure", "Compounds and buildings", "Log out"):
        assert label not in text
    assert english_phrases(text) == []


def test_a_residents_own_page_speaks_chinese(client, world):
    client.force_login(world.users["resident"])
    text = get_in_chinese(client, reverse("registry:my-data"))
    for label in ("我的信息", "出生日期", "申请更正", "长辈模式"):
        assert label in text
    for label in ("My information", "Birth date", "Ask for a correction", "Elder mode"):
        assert label not in text
    assert english_phrases(text) == []


def test_the_same_page_still_speaks_english_when_asked(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Log in" in visible_text(response)
