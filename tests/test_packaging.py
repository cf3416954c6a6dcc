"""The wheel works outside the checkout (issue 12, "Packaging").

``python -m build`` makes the sdist and, from it, the wheel (so MANIFEST.in is exercised too), from a copy
of this working tree that holds no compiled catalog; the wheel is installed into a fresh venv in a
temporary folder, which then migrates, loads the demo, imports and renders a plan of its own in Romanian
and serves Swedish pages, from a working directory of its own and its default instance folder
(``./instance``). Nothing here writes into the checkout.

Marked ``packaging`` (deselect with ``-m "not packaging"``); it needs pip to reach an index, or a folder of
wheels in $SOCIALPLAN_WHEELHOUSE (then installed with --no-index). The fast checks at the end are not marked.
"""

from __future__ import annotations

import ast
import gettext
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from core import resources

CHECKOUT = Path(__file__).resolve().parents[1]
# Never copied into the build: version control, environments, outputs, caches, compiled catalogs.
ROOT_IGNORED = {".git", ".venv", "venv", "artifacts", "build", "dist", ".pytest_cache", ".ruff_cache", ".hypothesis"}
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "*.mo", "*.sqlite*", "secret_key")
CATALOGS = [(Path("translations"), "core/_resources/translations", "messages"),
            (Path("plugins/romania/translations"), "plugins/romania/translations", "romania"),
            (Path("plugins/sweden/translations"), "plugins/sweden/translations", "sweden")]
# A municipality of our own, with quotes, &, < and Romanian diacritics (comma below) in its name.
OWN_SLUG = "simleu-silvaniei"
OWN_NAME = "Orașul Șimleu Silvaniei & „Țara” <Sălajului>"
OWN_TITLE = "Planul anual „Șimleu & Țară” <2021>"


def _ignore(folder: str, names: list[str]) -> set[str]:
    ignored = set(IGNORED(folder, names))
    if Path(folder) == CHECKOUT:
        ignored |= ROOT_IGNORED & set(names)
    return ignored


def _run(args: list[str], *, cwd: Path, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def _clean_env(home: Path) -> dict[str, str]:
    """The environment of a user who has never seen the checkout: no socialplan settings, no PYTHONPATH."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("SOCIALPLAN_") and key not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    # gunicorn keeps a control socket and the reports a font cache under HOME: our own, not the developer's.
    env.update(HOME=str(home), SOCIALPLAN_FONT_CACHE=str(home / "fonts"), PYTHONUNBUFFERED="1")
    return env


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("build")
    source = root / "src"
    shutil.copytree(CHECKOUT, source, ignore=_ignore)
    env = _clean_env(root)
    _run([sys.executable, "-m", "build", "--outdir", str(root / "dist"), str(source)], cwd=root, env=env)
    wheels = sorted((root / "dist").glob("socialplan-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@dataclass
class Site:
    venv: Path
    cwd: Path
    env: dict[str, str]

    def socialplan(self, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
        return _run([str(self.venv / "bin" / "socialplan"), *args], cwd=self.cwd, env=self.env, timeout=timeout)


@pytest.fixture(scope="session")
def site(wheel, tmp_path_factory) -> Site:
    """The wheel in a fresh venv, migrated and with the demo loaded, run from a folder of its own."""
    root = tmp_path_factory.mktemp("site")
    env = _clean_env(root / "home")
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=root, env=env)
    wheelhouse = os.environ.get("SOCIALPLAN_WHEELHOUSE")
    index = ["--no-index", "--find-links", wheelhouse] if wheelhouse else []
    _run([str(venv / "bin" / "pip"), "install", "--quiet", *index, str(wheel)], cwd=root, env=env, timeout=1200)
    cwd = root / "work"
    cwd.mkdir()
    installed = Site(venv, cwd, env)
    installed.socialplan("db", "upgrade")
    installed.socialplan("demo", "load")
    return installed


def _wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@pytest.mark.packaging
def test_the_wheel_holds_every_resource_and_no_deployment_data_or_tests(wheel):
    names = _wheel_names(wheel)
    expected = {
        "core/_resources/templates/base.html", "core/_resources/templates/auth/login.html",
        "core/migrations/env.py", "core/migrations/script.py.mako",
        "core/migrations/versions/core_0001_core_tables.py", "core/schemas/plan-v1.schema.json",
        "core/web/static/socialplan.css", "plugins/romania/data/nomenclator.json",
        "plugins/romania/data/demo/piatra-neamt-2021.json", "plugins/sweden/data/question_template.json",
        "plugins/sweden/templates/sweden/index.html",
        "plugins/sweden/migrations/versions/sweden_0001_sweden_tables.py",
    }
    for _, packaged, domain in CATALOGS:
        expected |= {f"{packaged}/{locale}/LC_MESSAGES/{domain}.{kind}" for locale in ("en", "sv", "ro")
                     for kind in ("po", "mo")}
    assert expected - names == set()
    # every migration of the checkout is in the wheel
    migrations = {str(path.relative_to(CHECKOUT)) for path in CHECKOUT.glob("*/migrations/versions/*.py")}
    migrations |= {str(path.relative_to(CHECKOUT)) for path in CHECKOUT.glob("plugins/*/migrations/versions/*.py")}
    assert migrations and migrations - names == set()
    unwanted = [name for name in names if name.startswith(("instances/", "tests/", "templates/", "translations/"))
                or "/tests/" in name or name.endswith((".sqlite", "secret_key", ".pyc"))]
    assert unwanted == []


@pytest.mark.packaging
def test_the_wheel_registers_each_plugin_through_its_entry_point(wheel):
    with zipfile.ZipFile(wheel) as archive:
        entry_points = archive.read(next(n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt")))
    group = entry_points.decode().split("[socialplan.plugins]")[1].split("[")[0]
    assert sorted(line.replace(" ", "") for line in group.splitlines() if line.strip()) == [
        "romania=plugins.romania.plugin", "sweden=plugins.sweden.plugin"]


@pytest.mark.packaging
@pytest.mark.parametrize(("source", "packaged", "domain"), CATALOGS)
@pytest.mark.parametrize("locale", ["sv", "ro"])
def test_catalogs_are_compiled_at_build_time_from_the_current_po_files(wheel, source, packaged, domain, locale):
    # the build saw no .mo file (the copy leaves them out): each was compiled from the .po it ships
    with (CHECKOUT / source / locale / "LC_MESSAGES" / f"{domain}.po").open("rb") as stream:
        catalog = read_po(stream, locale=locale)
    with zipfile.ZipFile(wheel) as archive, archive.open(f"{packaged}/{locale}/LC_MESSAGES/{domain}.mo") as mo:
        compiled = gettext.GNUTranslations(mo)
    translated = [m for m in catalog if m.id and m.string and not m.fuzzy and isinstance(m.id, str)]
    assert translated
    wrong = [m.id for m in translated
             if (compiled.pgettext(m.context, m.id) if m.context else compiled.gettext(m.id)) != m.string]
    assert wrong == []


@pytest.mark.packaging
def test_the_installed_socialplan_runs_from_its_venv_not_the_checkout(site):
    script = ("import core, core.resources, plugins.romania, plugins.sweden; "
              "print(core.__file__, plugins.romania.__file__, plugins.sweden.__file__, core.resources.is_installed())")
    result = _run([str(site.venv / "bin" / "python"), "-c", script], cwd=site.cwd, env=site.env)
    *files, installed = result.stdout.split()
    assert installed == "True"
    for file in files:
        assert Path(file).is_relative_to(site.venv) and not Path(file).is_relative_to(CHECKOUT), file


@pytest.mark.packaging
def test_db_upgrade_and_demo_load_use_the_default_instance_folder_under_the_working_directory(site):
    assert (site.cwd / "instance" / "socialplan.sqlite").is_file()
    listing = site.socialplan("report", "list").stdout
    assert "--municipality piatra-neamt --year 2021 --kind action-plan" in listing
    assert "--municipality eskilstuna --year 2017 --kind quality-report" in listing
    assert site.socialplan("db", "upgrade").stdout.strip() == "Database is up to date."


@pytest.mark.packaging
def test_a_plan_of_our_own_imports_against_the_packaged_schema_and_renders_in_romanian(site):
    exported = site.cwd / "demo-plan.json"
    site.socialplan("plan", "export", "--municipality", "piatra-neamt", "--year", "2021", "--kind", "action-plan",
                    "--out", str(exported))
    document = json.loads(exported.read_text(encoding="utf-8"))
    document["municipality"].update(slug=OWN_SLUG, name={"ro": OWN_NAME, "en": "Town of Simleu Silvaniei"})
    document["title"] = {"ro": OWN_TITLE, "en": "Annual plan"}
    own = site.cwd / "own-plan.json"
    own.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    site.socialplan("plan", "import", str(own))
    site.socialplan("report", "render", "--municipality", OWN_SLUG, "--year", "2021", "--kind", "action-plan",
                    "--lang", "ro", "--out", "x.pdf")
    pdf = site.cwd / "x.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert shutil.which("pdftotext"), "pdftotext is missing: install poppler-utils (make test does when root)"
    text = _run(["pdftotext", str(pdf), "-"], cwd=site.cwd, env=site.env).stdout
    # our own names, and the Romanian plugin's catalog (comma-below ș and ț), the core's (Pagina … din …)
    assert OWN_TITLE in text and OWN_NAME in text
    assert "Temeiul legal și strategiile" in text and "Pagina 1 din" in text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, language: str = "en") -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Language": language})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


@pytest.mark.packaging
def test_serve_answers_the_login_page_in_swedish_with_its_stylesheet(site):
    port = _free_port()
    log = site.cwd / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen([str(site.venv / "bin" / "socialplan"), "serve", "--host", "127.0.0.1",
                                   "--port", str(port), "--workers", "1"],
                                  cwd=site.cwd, env=site.env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while "socialplan is serving on" not in log.read_text():
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        status, page = _get(f"http://127.0.0.1:{port}/login", "sv")
        assert status == 200
        html = page.decode()
        assert "<h1>Logga in</h1>" in html and "Lösenord" in html  # core's sv catalog, from the wheel
        assert 'href="/static/socialplan.css"' in html
        status, css = _get(f"http://127.0.0.1:{port}/static/socialplan.css")
        assert status == 200 and css == resources.resource_path("static").joinpath("socialplan.css").read_bytes()
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- fast checks of the checkout (not marked) ------------------------------------------------------------


def test_in_a_checkout_resources_are_its_own_folders():
    assert not resources.is_installed()
    assert resources.resource_path("templates") == CHECKOUT / "templates"
    assert resources.resource_path("translations") == CHECKOUT / "translations"
    for name in ("static", "migrations", "schemas"):
        assert resources.resource_path(name).is_relative_to(CHECKOUT / "core")
        assert resources.resource_path(name).is_dir(), name
    assert resources.default_instance_path() == CHECKOUT / "instances" / "demo"
    with pytest.raises(ValueError):
        resources.resource_path("instances")  # type: ignore[arg-type]


def test_core_imports_no_plugin_by_name():
    found = []
    for path in sorted((CHECKOUT / "core").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                       else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{path.relative_to(CHECKOUT)}: {m}" for m in modules if m.split(".")[0] == "plugins"]
    assert found == []


def test_no_path_outside_core_resources_reaches_the_checkout_top():
    # core builds no path to a folder beside core/ but through core.resources (the wheel has no such top)
    offenders = [str(path.relative_to(CHECKOUT)) for path in sorted((CHECKOUT / "core").rglob("*.py"))
                 if path != CHECKOUT / "core" / "resources.py"
                 and any(way in path.read_text(encoding="utf-8") for way in ("parent.parent", "parents["))]
    assert offenders == []
