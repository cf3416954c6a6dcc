"""ReportLab's internals are overridden in one module, written against one pinned release (issue 12).

core/reports/reportlab_internals.py leans on private attributes and methods ReportLab may change in
any release; setup.cfg pins the release it was read against. These tests fail when another ReportLab
is installed, and when the engine or the fonts module reach ReportLab's internals outside that module.
"""

from __future__ import annotations

import ast
import configparser
from importlib import metadata
from pathlib import Path

import pytest
import reportlab
from packaging.requirements import Requirement

from core.reports import reportlab_internals

CHECKOUT = Path(__file__).resolve().parents[1]
INTERNALS = "core/reports/reportlab_internals.py"
# The report layer's other modules: ReportLab's public API only.
PUBLIC_ONLY = ("core/reports/engine.py", "core/reports/fonts.py", "core/reports/__init__.py")


def pinned_reportlab() -> Requirement:
    """The reportlab requirement of setup.cfg's install_requires."""
    config = configparser.ConfigParser()
    config.read(CHECKOUT / "setup.cfg", encoding="utf-8")
    lines = [line.strip() for line in config["options"]["install_requires"].splitlines()]
    found = [Requirement(line) for line in lines if line and not line.startswith("#")
             and Requirement(line).name.lower() == "reportlab"]
    assert len(found) == 1, f"setup.cfg should require reportlab once, found {found}"
    return found[0]


def pin_problem(requirement: Requirement, installed: str, written_against: str) -> str | None:
    """Why ``installed`` ReportLab is not the one the internals module was written against, or None."""
    specifiers = list(requirement.specifier)
    if len(specifiers) != 1 or specifiers[0].operator != "==":
        return f"setup.cfg must pin reportlab exactly (reportlab[accel]=={written_against}), not '{requirement}'"
    pinned = specifiers[0].version
    if pinned != written_against:
        return (f"setup.cfg pins reportlab {pinned} but {INTERNALS} says it was written against {written_against} "
                f"(REPORTLAB_VERSION): re-check the internals module against {pinned}, then make them agree")
    if installed != pinned:
        return (f"ReportLab {installed} is installed, but {INTERNALS} was written against {pinned}: re-check "
                f"every override its docstring lists against ReportLab {installed}'s source, run "
                f"tests/test_reports_engine.py and the plugins' report tests, then set REPORTLAB_VERSION and the "
                f"pin in setup.cfg to {installed}")
    return None


def test_the_installed_reportlab_is_the_pinned_one():
    requirement = pinned_reportlab()
    assert requirement.extras == {"accel"}
    assert metadata.version("reportlab") == reportlab.Version  # the distribution is the package imported
    problem = pin_problem(requirement, reportlab.Version, reportlab_internals.REPORTLAB_VERSION)
    assert problem is None, problem


@pytest.mark.parametrize(("pin", "installed", "written_against", "says"), [
    ("reportlab[accel]==5.1.0", "5.2.0", "5.1.0", "ReportLab 5.2.0 is installed, but core/reports/reportlab_internals"),
    ("reportlab[accel]==5.2.0", "5.2.0", "5.1.0", "setup.cfg pins reportlab 5.2.0 but"),
    ("reportlab[accel]>=4.2", "5.1.0", "5.1.0", "must pin reportlab exactly"),
])
def test_another_version_is_refused_with_what_to_re_check(pin, installed, written_against, says):
    problem = pin_problem(Requirement(pin), installed, written_against)
    assert problem is not None and says in problem
    assert "re-check" in problem or "pin reportlab exactly" in problem


def reportlab_internals_used(source: str) -> list[str]:
    """Where ``source`` reaches ReportLab's internals: a private name imported from reportlab, a class
    derived from a ReportLab class, or a private attribute of anything but ``self``."""
    tree = ast.parse(source)
    from_reportlab: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "reportlab":
            for alias in node.names:
                from_reportlab.add(alias.asname or alias.name)
                if alias.name.startswith("_"):
                    found.append(f"line {node.lineno}: imports {node.module}.{alias.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            bases = [base.id for base in node.bases if isinstance(base, ast.Name) and base.id in from_reportlab]
            if bases:
                found.append(f"line {node.lineno}: class {node.name} derives from ReportLab's {', '.join(bases)}")
        elif (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
              and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))):
            found.append(f"line {node.lineno}: reads .{node.attr}")
    return found


@pytest.mark.parametrize("path", PUBLIC_ONLY)
def test_the_rest_of_the_report_layer_uses_reportlabs_public_api_only(path):
    found = reportlab_internals_used((CHECKOUT / path).read_text(encoding="utf-8"))
    assert found == [], f"{path} reaches ReportLab's internals; move it to {INTERNALS}: {found}"


def test_the_check_finds_each_kind_of_internal_use():
    source = ("from reportlab.platypus import Table\nfrom reportlab.platypus.tables import _calc_pc\n"
              "class Fast(Table):\n    pass\n"
              "def size(canvas):\n    return canvas._pagesize\n")
    assert reportlab_internals_used(source) == [
        "line 2: imports reportlab.platypus.tables._calc_pc", "line 3: class Fast derives from ReportLab's Table",
        "line 6: reads ._pagesize"]
