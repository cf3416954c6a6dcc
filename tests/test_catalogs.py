"""Catalogs: every message of core and of each plugin is translated into Swedish and Romanian."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
# (catalog folder, domain, source folder, folders of that source that belong to other catalogs)
CATALOGS = [
    (ROOT / "translations", "messages", ROOT, ("plugins", ".venv", "tests", "bench", "core/migrations", "docs")),
    (ROOT / "plugins/romania/translations", "romania", ROOT / "plugins/romania", ("tests",)),
    (ROOT / "plugins/sweden/translations", "sweden", ROOT / "plugins/sweden", ("tests",)),
]
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "_l": None, "ngettext": (1, 2), "N_": None}
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]


def _extracted(source: Path, skip: tuple[str, ...]) -> set[tuple[str, str | None]]:
    def wanted(path: str) -> bool:
        relative = Path(path).resolve().relative_to(source).as_posix() if Path(path).is_absolute() else path
        return not any(relative == s or relative.startswith(s + "/") for s in skip)

    messages = set()
    for filename, _lineno, message, _comments, context in extract_from_dir(
        str(source), METHODS, keywords=KEYWORDS, callback=None
    ):
        if wanted(filename):
            messages.add((message if isinstance(message, str) else message[0], context))  # pgettext's context too
    return messages


def _catalog(folder: Path, domain: str, locale: str):
    path = folder / locale / "LC_MESSAGES" / f"{domain}.po"
    assert path.exists(), f"missing catalog {path}"
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


@pytest.mark.parametrize("locale", ["sv", "ro"])
@pytest.mark.parametrize(("folder", "domain", "source", "skip"), CATALOGS, ids=[c[1] for c in CATALOGS])
def test_catalog_translates_every_message(folder, domain, source, skip, locale):
    catalog = _catalog(folder, domain, locale)
    missing = sorted(m for m, ctx in _extracted(source, skip)
                     if not (catalog.get(m, context=ctx) and catalog.get(m, context=ctx).string))
    fuzzy = sorted(str(m.id) for m in catalog if m.id and m.fuzzy)
    assert not missing, f"{len(missing)} {locale} messages untranslated in {domain}: {missing[:10]}"
    assert not fuzzy, f"fuzzy {locale} messages in {domain}: {fuzzy[:10]}"


# Every catalog file of core and of each plugin, in every language.
ALL_PO = sorted([*ROOT.glob("translations/*/LC_MESSAGES/*.po"),
                 *ROOT.glob("plugins/*/translations/*/LC_MESSAGES/*.po")])
# Romanian is written with comma-below ș ț (U+0219, U+021B); the cedilla forms are a legacy mistake.
CEDILLA = {"\u015f": "ş", "\u0163": "ţ", "\u015e": "Ş", "\u0162": "Ţ"}
# %(name)s, %s, %d ... (not %%), and str.format fields {name}.
PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_]\w*\))?[-#0+]*\d*(?:\.\d+)?[sdifr]|\{[A-Za-z_]\w*\}")


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text.replace("%%", "")))


def _forms(value) -> list[str]:
    return [value] if isinstance(value, str) else [form for form in value if form is not None]


def test_catalogs_exist():
    assert ROOT / "translations/ro/LC_MESSAGES/messages.po" in ALL_PO
    assert len(ALL_PO) >= 3


@pytest.mark.parametrize("path", [p for p in ALL_PO if p.parent.parent.name == "ro"],
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_romanian_uses_comma_below_not_cedilla(path):
    catalog = _catalog(path.parent.parent.parent, path.stem, "ro")
    bad = [(str(m.id), form) for m in catalog if m.id for form in _forms(m.string)
           if any(char in form for char in CEDILLA)]
    assert not bad, f"{len(bad)} ro messages use cedilla ş/ţ instead of ș/ț in {path.name}: {bad[:5]}"


@pytest.mark.parametrize("path", ALL_PO, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_translations_keep_placeholders(path):
    catalog = _catalog(path.parent.parent.parent, path.stem, path.parent.parent.name)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        wanted = set().union(*(_placeholders(form) for form in _forms(message.id)))
        for form in _forms(message.string):
            # A translation may drop nothing (the reader needs the value) and add nothing (it would not format).
            if form and _placeholders(form) != wanted:
                wrong.append((str(message.id), form))
    assert not wrong, f"{len(wrong)} translations change the placeholders in {path}: {wrong[:5]}"


def test_placeholder_check_catches_mistakes():
    assert _placeholders("Page %(page)s of %(pages)s") == {"%(page)s", "%(pages)s"}
    assert _placeholders("{count} rows, 100%% done, %d left") == {"{count}", "%d"}
    assert _placeholders("Occupancy rate (%)") == set() and _placeholders("86 % satisfied") == set()
    assert any(char in "Braşov" for char in CEDILLA) and not any(char in "Brașov" for char in CEDILLA)
