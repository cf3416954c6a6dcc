"""Write docs/plugin-sdk.md from the SDK's docstrings: ``python -m core.sdk.doc > docs/plugin-sdk.md``.

tests/test_plugin_sdk.py checks that the committed page is what this prints.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import sys
from collections.abc import Iterator
from types import ModuleType

import core.sdk
from core import hookspecs
from core.resources import CHECKOUT
from core.sdk import (
    audit,
    backup,
    cli,
    demo,
    documents,
    forms,
    models,
    plans,
    providers,
    reports,
    rows,
    testing,
    web,
)

MODULES: tuple[ModuleType, ...] = (core.sdk, forms, reports, documents, plans, web, cli, models, rows, providers,
                                   audit, backup, demo, testing)
EXAMPLE = CHECKOUT / "docs" / "example-plugin"  # the page is generated in a checkout; docs/ is not packaged
EXAMPLE_FILES = ("pyproject.toml", "socialplan_example/__init__.py", "socialplan_example/templates/example/index.html",
                 "socialplan_example/templates/example/panel.html",
                 "socialplan_example/translations/sv/LC_MESSAGES/example.po")
BANNER = re.compile(r"^# --- (.+?) -+$")


def describe(module: ModuleType, name: str) -> str:
    """The one line that says what ``name`` of ``module`` is: its DOCS entry, else its docstring's first line."""
    line = module.DOCS.get(name)
    if line:
        return line
    doc = inspect.getdoc(getattr(module, name)) or ""
    return doc.split("\n\n")[0].replace("\n", " ").strip()


def _fence(path: str) -> str:
    kind = {"py": "python", "toml": "toml", "html": "jinja", "po": "po"}[path.rsplit(".", 1)[-1]]
    return f"### `{path}`\n\n```{kind}\n{(EXAMPLE / path).read_text(encoding='utf-8').rstrip()}\n```\n"


def _signature(obj: object) -> str:
    try:
        return str(inspect.signature(obj)).replace("'", "")  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "(...)"


def _names(module: ModuleType) -> Iterator[str]:
    summary = (inspect.getdoc(module) or "").split("\n\n")[0].replace("\n", " ")
    yield f"### `{module.__name__}`\n\n{summary}\n\n| name | what it is |\n| --- | --- |"
    for name in module.__all__:
        obj = getattr(module, name)
        shown = f"{name}{_signature(obj)}" if inspect.isfunction(obj) else name
        line = describe(module, name).replace("|", r"\|")
        yield f"| `{shown}` | {line} |"
    yield ""


def _members(cls: type) -> str:
    """A value type's fields (dataclasses) or public methods, each with its type or signature."""
    lines = [f"#### `{cls.__name__}`\n\n{inspect.getdoc(cls) or ''}\n"]
    if dataclasses.is_dataclass(cls):
        for item in dataclasses.fields(cls):
            default = "" if item.default is dataclasses.MISSING else f" = {item.default!r}"
            lines.append(f"- `{item.name}: {item.type}{default}`")
    for name, member in inspect.getmembers(cls):
        if name.startswith("_") or not (inspect.isfunction(member) or isinstance(member, property)):
            continue
        doc = (inspect.getdoc(member) or "").split("\n\n")[0].replace("\n", " ")
        shown = name if isinstance(member, property) else f"{name}{_signature(member)}"
        lines.append(f"- `{shown}`" + (f": {doc}" if doc else ""))
    return "\n".join(lines) + "\n"


def _value_types() -> Iterator[str]:
    for module in MODULES[:-1]:  # core.sdk.testing's rows are core's, not the contract
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) and (dataclasses.is_dataclass(obj) or module in (core.sdk, reports)) \
                    and not issubclass(obj, BaseException):
                yield _members(obj)


def _hook_groups() -> list[tuple[str, list[str]]]:
    """The hooks in the order core/hookspecs.py lists them, under its banner comments."""
    groups: list[tuple[str, list[str]]] = []
    for line in inspect.getsource(hookspecs).splitlines():
        if banner := BANNER.match(line):
            groups.append((banner.group(1), []))
        elif groups and (found := re.match(r"def (socialplan_\w+)\(", line)):
            groups[-1][1].append(found.group(1))
    return groups


def _hook(name: str) -> str:
    function = getattr(hookspecs, name)
    signature = str(inspect.signature(function)).replace("'", "")
    options = getattr(function, f"{hookspecs.PROJECT}_spec", {}) or {}
    first = " *(first result)*" if options.get("firstresult") else ""
    return f"#### `{name}{signature}`{first}\n\n{inspect.getdoc(function)}\n"


def page() -> str:
    parts = [
        f"# The socialplan plugin SDK, version {core.sdk.SDK_VERSION}\n",
        "<!-- Made by `python -m core.sdk.doc > docs/plugin-sdk.md` from the SDK's docstrings: edit those. -->\n",
        inspect.getdoc(core.sdk) + "\n",
        "## A complete plugin\n",
        "The package in `docs/example-plugin/` has a plan kind with a section of every row type, funding "
        "sources, a nomenclature, a row form, rules, a report kind, pages, a dashboard panel, demo data, an audit "
        "action, a command and a catalog. It is also the jurisdiction socialplan's own tests run on "
        "(`tests/conftest.py`, `tests/world.py`, `tests/test_example_plugin.py`). Install it beside socialplan "
        "and switch it on:\n",
        "```sh\npip install ./docs/example-plugin\n"
        "pybabel compile -D example -d docs/example-plugin/socialplan_example/translations   # its catalogs\n"
        "socialplan plugins enable example --municipality SLUG\nsocialplan example notes --municipality SLUG "
        "--year 2026\n```\n",
        "Its page is `/m/SLUG/example/`; its plan kind appears in the municipality's *New plan* form; its report "
        "kind in `socialplan report list`. Core signs the user in, loads the municipality, refuses a "
        "municipality that has not enabled the plugin and a council viewer's change before any of its views "
        "runs.\n",
        *(_fence(path) for path in EXAMPLE_FILES),
        "## What a plugin imports\n",
        "Everything below, and nothing else from socialplan (import-linter checks the built-in plugins: "
        "`.importlinter`). The value types and hooks are documented on their classes and below.\n",
        *("\n".join(_names(module)) for module in MODULES),
        "## Value types\n",
        "What hooks return and get, with their fields and methods.\n",
        *_value_types(),
        "## Hooks\n",
        inspect.getdoc(hookspecs) + "\n",
    ]
    for title, names in _hook_groups():
        parts.append(f"### {title}\n")
        parts.extend(_hook(name) for name in names)
    return "\n".join(parts).rstrip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(page())
