"""Where core's resource folders are, in a checkout and in an installed wheel alike.

A checkout keeps ``templates/`` and ``translations/`` at its top, beside ``core/``; the wheel's build
step (``setup.py``) copies them into the package as ``core/_resources/`` and compiles the catalogs
there, so an installed socialplan needs no checkout. Everything else already lives inside ``core``.
Every path to these folders is built here and nowhere else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

CORE = Path(__file__).resolve().parent
# The top of the checkout when core runs from one (in an installed wheel: site-packages, never read).
CHECKOUT = CORE.parent
# Where the build step puts the top-level folders inside the installed package.
BUNDLED = CORE / "_resources"
# The folders at the top of a checkout that the wheel carries inside the package.
TOP_LEVEL = ("templates", "translations")

Resource = Literal["templates", "translations", "static", "migrations", "schemas"]
_INSIDE_CORE = {"static": Path("web", "static"), "migrations": Path("migrations"), "schemas": Path("schemas")}


def is_installed() -> bool:
    """True when core runs from a built wheel (its bundled folders are there), not from a checkout."""
    return BUNDLED.is_dir()


def resource_path(name: Resource) -> Path:
    """The folder of one kind of resource: core's templates, catalogs, static files, migrations or schemas."""
    if name in _INSIDE_CORE:
        return CORE / _INSIDE_CORE[name]
    if name not in TOP_LEVEL:
        raise ValueError(f"unknown resource folder: {name}")
    return BUNDLED / name if is_installed() else CHECKOUT / name


def default_instance_path() -> Path:
    """The instance folder when $SOCIALPLAN_INSTANCE_PATH is unset: the demo's in a checkout (``make demo``),
    else ``./instance`` under the working directory (an installed wheel has no ``instances/``)."""
    if is_installed():
        return Path.cwd() / "instance"
    return CHECKOUT / "instances" / "demo"
