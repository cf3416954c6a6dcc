"""The one build step setup.cfg cannot declare (everything else about the package is in setup.cfg).

A checkout keeps core's templates and catalogs at its top, beside core/; the wheel carries them inside
the package as core/_resources/ (found by core/resources.py), and every gettext catalog, core's and
each plugin's, is compiled to .mo here, at build time, so .mo files are never committed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# Top-level folder of the checkout -> where the installed package keeps it (see core/resources.py).
BUNDLED = {"templates": Path("core", "_resources", "templates"),
           "translations": Path("core", "_resources", "translations")}
# What of those folders the package needs; .mo files are made below, never copied from a checkout.
BUNDLED_PATTERNS = ("*.html", "*.po", "*.pot")


class BuildPyWithResources(build_py):
    """build_py, then the top-level templates and catalogs bundled and every catalog compiled."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself (core/resources.py)
        build_lib = Path(self.build_lib)
        for source, target in BUNDLED.items():
            self._bundle(HERE / source, build_lib / target)
        for po_file in sorted(build_lib.rglob("LC_MESSAGES/*.po")):
            self._compile(po_file)

    def _bundle(self, source: Path, target: Path) -> None:
        if target.exists():
            shutil.rmtree(target)  # a previous build's files, perhaps since removed from the source
        for pattern in BUNDLED_PATTERNS:
            for path in source.rglob(pattern):
                destination = target / path.relative_to(source)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, destination)

    def _compile(self, po_file: Path) -> None:
        locale = po_file.parent.parent.name
        with po_file.open("rb") as stream:
            catalog = read_po(stream, locale=locale)
        errors = [f"{message.id!r}: {error}" for message, message_errors in catalog.check()
                  for error in message_errors]
        if errors:
            raise SystemExit(f"{po_file}: {'; '.join(errors)}")
        with po_file.with_suffix(".mo").open("wb") as stream:
            write_mo(stream, catalog, use_fuzzy=False)  # as pybabel compile: fuzzy entries stay out


setup(cmdclass={"build_py": BuildPyWithResources})
