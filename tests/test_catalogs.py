"""Catalogs: every message of core and of each plugin is translated into Swedish and Romanian."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
# (catalog folder, domain, source folder, folders of that source that belong to other catalogs)
CATALOGS = [
    (ROOT / "translations", "messages", ROOT, ("plugins", ".venv", "tests", "bench", "core/migrations")),
    (ROOT / "plugins/romania/translations", "romania", ROOT / "plugins/romania", ("tests",)),
    (ROOT / "plugins/sweden/translations", "sweden", ROOT / "plugins/sweden", ("tests",)),
]
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "_l": None, "ngettext": (1, 2), "N_": None}
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]


def _extracted(source: Path, skip: tuple[str, ...]) -> set[str]:
    def wanted(path: str) -> bool:
        relative = Path(path).resolve().relative_to(source).as_posix() if Path(path).is_absolute() else path
        return not any(relative == s or relative.startswith(s + "/") for s in skip)

    messages = set()
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(source), METHODS, keywords=KEYWORDS, callback=None
    ):
        if wanted(filename):
            messages.add(message if isinstance(message, str) else message[0])
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
    missing = sorted(m for m in _extracted(source, skip) if not (catalog.get(m) and catalog.get(m).string))
    fuzzy = sorted(str(m.id) for m in catalog if m.id and m.fuzzy)
    assert not missing, f"{len(missing)} {locale} messages untranslated in {domain}: {missing[:10]}"
    assert not fuzzy, f"fuzzy {locale} messages in {domain}: {fuzzy[:10]}"
