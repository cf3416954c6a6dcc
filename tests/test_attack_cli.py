"""Every command of ``socialplan`` (core's and the Swedish plugin's) against hostile arguments and files.

Each case is bad input: it must end with a non-zero exit and one sentence on stderr ("Error: ..."),
never a traceback. The corpus runs in this process (``core.cli.main`` as the console script calls it,
an exception escaping it being the traceback a user would see); a few cases run again as real
processes. Files: a JSON nested 100,000 levels deep, dates that do not exist, numbers beyond any
column, languages that are not languages, an output in a folder that cannot be made (its parent is a
file), a folder given as a file, and a full disk (a private copy of /dev/full, never /dev/full itself:
a write that replaced its target would replace only the copy).
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

from plugins.romania.demo import demo_document

SOCIALPLAN = str(Path(sys.executable).with_name("socialplan"))
HUGE = "100000000000000000000"
MUNICIPALITY = ["--municipality", "piatra-neamt"]
PLAN = [*MUNICIPALITY, "--year", "2021", "--kind", "action-plan"]


@pytest.fixture
def cli_env(tmp_path, sqlite_demo_template, monkeypatch):
    """A socialplan deployment of the demo data, its instance folder in tmp_path, for this process and others."""
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copyfile(sqlite_demo_template, instance / "socialplan.sqlite")
    env = {"SOCIALPLAN_INSTANCE_PATH": str(instance), "SOCIALPLAN_SECRET_KEY": "a-long-enough-test-secret-key"}
    monkeypatch.delenv("SOCIALPLAN_DATABASE_URL", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return {**os.environ, **env}


@pytest.fixture
def one_app(cli_env, monkeypatch):
    """The commands run here share one app (as each process would build it), which saves building it 80 times."""
    from core.app import create_app
    from core.cli import cli

    app = create_app()
    monkeypatch.setattr(cli, "create_app", lambda: app)
    yield app
    app.extensions["socialplan.engine"].dispose()


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    """The hostile files, by name."""
    made: dict[str, Path] = {}

    def document(name: str, change) -> None:
        doc = copy.deepcopy(demo_document())
        change(doc)
        made[name] = tmp_path / f"{name}.json"
        made[name].write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

    def write(name: str, data: bytes | str) -> None:
        made[name] = tmp_path / name
        (made[name].write_bytes if isinstance(data, bytes) else made[name].write_text)(data)

    write("nested.json", "[" * 100_000 + "]" * 100_000)
    write("deep.json", '{"a": ' * 200 + "1" + "}" * 200)
    write("nan.json", '{"format": "socialplan.plan", "year": NaN}')
    write("huge-number.json", '{"format": "socialplan.plan", "year": 1e309}')
    write("not-json.json", "socialplan <plan> & friends")
    write("binary.json", b"\xff\xfe\x00\x00garbage\x80")
    write("array.json", "[]")
    write("garbage.csv", b"\x00\xff,\xfe\n" * 50)
    write("a-file", "I am a file, not a folder")
    document("decision-13-45", lambda d: d.update(council_decision={"reference": "HCL 1", "date": "2021-13-45"}))
    document("decision-feb-30", lambda d: d.update(council_decision={"reference": "HCL 1", "date": "2021-02-30"}))
    document("locale-xx", lambda d: d["municipality"].update(slug="xx-town", default_locale="xx"))
    document("key-ro-RO", lambda d: d["sections"]["objectives"]["rows"][0].update(text={"ro-RO": "x"}))
    document("key-romana", lambda d: d.update(title={"Română": "Planul"}))
    document("budget-1800", lambda d: d["sections"]["existing-services"]["rows"][0]["budget"][0].update(year=1800))
    document("budget-2040", lambda d: d["sections"]["existing-services"]["rows"][0]["budget"][0].update(year=2040))
    document("amount-40-digits", lambda d: d["sections"]["existing-services"]["rows"][0]["budget"][0].update(
        amount="9" * 40))
    document("capacity-310-digits", lambda d: d["sections"]["existing-services"]["rows"][0].update(
        capacity="1" + "0" * 309))
    document("persons-50-digits", lambda d: d["sections"]["training-courses"]["rows"][0].update(persons=10 ** 50))
    document("range-backwards", lambda d: d["sections"]["awareness-campaigns"]["rows"][0].update(
        period={"kind": "range", "start": "2021-06-30", "end": "2021-06-01"}))
    document("range-feb-30", lambda d: d["sections"]["awareness-campaigns"]["rows"][0].update(
        period={"kind": "range", "start": "2021-02-01", "end": "2021-02-30"}))
    document("code-too-long", lambda d: d["sections"]["existing-services"]["rows"][0].update(code="8810 " * 20))
    full = tmp_path / "full"  # a private /dev/full: writing to it fails with 'No space left on device'
    try:
        os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except (PermissionError, AttributeError, OSError):
        full = None
    made["full"] = full
    made["dir"] = tmp_path
    return made


def cases(f: dict[str, Path]) -> list[tuple[str, list[str], str]]:
    """(what, arguments, standard input) of every bad invocation."""
    out_in_a_file = str(f["a-file"] / "x.out")  # its folder cannot be made: its parent is a file
    full = [str(f["full"])] if f["full"] else []
    imports = [(name, ["plan", "import", str(f[name])]) for name in (
        "nested.json", "deep.json", "nan.json", "huge-number.json", "not-json.json", "binary.json", "array.json",
        "decision-13-45", "decision-feb-30", "locale-xx", "key-ro-RO", "key-romana", "budget-1800", "budget-2040",
        "amount-40-digits", "capacity-310-digits", "persons-50-digits", "range-backwards", "range-feb-30",
        "code-too-long", "dir")]
    listed: list[tuple[str, list[str]]] = [
        *[(f"plan import {name}", args) for name, args in imports],
        ("plan import missing file", ["plan", "import", str(f["dir"] / "missing.json")]),
        ("plan export huge year", ["plan", "export", *MUNICIPALITY, "--year", HUGE, "--kind", "action-plan",
                                   "--out", str(f["dir"] / "x.json")]),
        ("plan export year -1", ["plan", "export", *MUNICIPALITY, "--year", "-1", "--kind", "action-plan",
                                 "--out", str(f["dir"] / "x.json")]),
        ("plan export year words", ["plan", "export", *MUNICIPALITY, "--year", "twenty", "--kind", "action-plan",
                                    "--out", str(f["dir"] / "x.json")]),
        ("plan export unknown municipality", ["plan", "export", "--municipality", "<script>", "--year", "2021",
                                              "--kind", "action-plan", "--out", str(f["dir"] / "x.json")]),
        ("plan export unknown kind", ["plan", "export", *MUNICIPALITY, "--year", "2021", "--kind", "x" * 500,
                                      "--out", str(f["dir"] / "x.json")]),
        ("plan export into a file's folder", ["plan", "export", *PLAN, "--out", out_in_a_file]),
        ("plan export onto a folder", ["plan", "export", *PLAN, "--out", str(f["dir"])]),
        *[("plan export to a full disk", ["plan", "export", *PLAN, "--out", *full])] * bool(full),
        ("report render jobs -1", ["report", "render", "--all", "--year", "2021", "--kind", "action-plan",
                                   "--lang", "ro", "--out-dir", str(f["dir"] / "pdfs"), "--jobs", "-1"]),
        ("report render jobs 0", ["report", "render", "--all", "--year", "2021", "--kind", "action-plan",
                                  "--lang", "ro", "--out-dir", str(f["dir"] / "pdfs"), "--jobs", "0"]),
        ("report render jobs huge", ["report", "render", "--all", "--year", "2021", "--kind", "action-plan",
                                     "--lang", "ro", "--out-dir", str(f["dir"] / "pdfs"), "--jobs", HUGE]),
        ("report render out-dir is a file", ["report", "render", "--all", "--year", "2021", "--kind",
                                             "action-plan", "--lang", "ro", "--out-dir", str(f["a-file"])]),
        ("report render huge year", ["report", "render", *MUNICIPALITY, "--year", HUGE, "--kind", "action-plan",
                                     "--lang", "ro", "--out", str(f["dir"] / "x.pdf")]),
        ("report render language xx", ["report", "render", *PLAN, "--lang", "xx", "--out", str(f["dir"] / "x.pdf")]),
        ("report render into a file's folder", ["report", "render", *PLAN, "--lang", "ro", "--out", out_in_a_file]),
        *[("report render to a full disk", ["report", "render", *PLAN, "--lang", "ro", "--out", *full])] * bool(full),
        ("report render no adopted revision", ["report", "render", *PLAN, "--lang", "ro", "--adopted",
                                               "--out", str(f["dir"] / "x.pdf")]),
        ("report list unknown municipality", ["report", "list", "--municipality", "nope"]),
        ("plugins enable unknown plugin", ["plugins", "enable", "<b>nope</b>", *MUNICIPALITY]),
        ("plugins disable unknown municipality", ["plugins", "disable", "romania", "--municipality", "nope"]),
        ("user create e-mail of 300 characters", ["user", "create", "--email", "a" * 290 + "@example.org",
                                                  "--role", "admin"]),
        ("user create e-mail with controls", ["user", "create", "--email", "\x07\x1b@\x08", "--role", "admin"]),
        ("user create unknown role", ["user", "create", "--email", "x@example.org", "--role", "root"]),
        ("user create unknown municipality", ["user", "create", "--email", "x@example.org", "--role", "planner",
                                              "--municipality", "nope"]),
        ("user create short password", ["user", "create", "--email", "x@example.org", "--role", "admin"]),
        ("user password unknown account", ["user", "password", "--email", "nobody@example.org"]),
        ("user token create unknown account", ["user", "token", "create", "--email", "nobody@example.org"]),
        ("user token create days -1", ["user", "token", "create", "--email", "planner@piatra-neamt.demo",
                                       "--days", "-1"]),
        ("user token create days huge", ["user", "token", "create", "--email", "planner@piatra-neamt.demo",
                                         "--days", HUGE]),
        ("user token create long name", ["user", "token", "create", "--email", "planner@piatra-neamt.demo",
                                         "--name", "ș" * 1000]),
        ("user token create a role above the account's", ["user", "token", "create", "--email",
                                                          "planner@piatra-neamt.demo", "--role", "admin"]),
        ("user token revoke huge id", ["user", "token", "revoke", HUGE]),
        ("user token revoke -1", ["user", "token", "revoke", "-1"]),
        ("user token revoke words", ["user", "token", "revoke", "one"]),
        ("user token list unknown account", ["user", "token", "list", "--email", "nobody@example.org"]),
        ("backup onto a folder", ["backup", "--out", str(f["dir"])]),
        ("backup into a file's folder", ["backup", "--out", out_in_a_file]),
        *[("backup to a full disk", ["backup", "--out", *full])] * bool(full),
        ("restore a missing file", ["restore", str(f["dir"] / "missing.zip")]),
        ("restore a file that is no zip", ["restore", str(f["not-json.json"])]),
        ("restore a folder", ["restore", str(f["dir"])]),
        ("serve port 0", ["serve", "--port", "0"]),
        ("serve port huge", ["serve", "--port", HUGE]),
        ("serve workers -1", ["serve", "--workers", "-1"]),
        ("sweden import-answers missing file", ["sweden", "import-answers", str(f["dir"] / "missing.csv"),
                                                "--municipality", "stockholm", "--year", "2026"]),
        ("sweden import-answers garbage", ["sweden", "import-answers", str(f["garbage.csv"]),
                                           "--municipality", "stockholm", "--year", "2026"]),
        ("sweden import-answers a folder", ["sweden", "import-answers", str(f["dir"]),
                                            "--municipality", "stockholm", "--year", "2026"]),
        ("sweden import-answers huge year", ["sweden", "import-answers", str(f["garbage.csv"]),
                                             "--municipality", "stockholm", "--year", HUGE]),
        ("sweden import-answers huge template", ["sweden", "import-answers", str(f["garbage.csv"]),
                                                 "--municipality", "stockholm", "--year", "2026", "--template",
                                                 HUGE]),
        ("sweden import-answers report into a file's folder", [
            "sweden", "import-answers", str(f["garbage.csv"]), "--municipality", "stockholm", "--year", "2026",
            "--report", out_in_a_file]),
        ("sweden import-answers not Swedish", ["sweden", "import-answers", str(f["garbage.csv"]),
                                               *MUNICIPALITY, "--year", "2026"]),
        ("sweden import-kolada nested", ["sweden", "import-kolada", str(f["nested.json"]),
                                         "--municipality", "stockholm"]),
        ("sweden import-kolada not JSON", ["sweden", "import-kolada", str(f["binary.json"]),
                                           "--municipality", "stockholm"]),
        ("sweden import-kolada an array", ["sweden", "import-kolada", str(f["array.json"]),
                                           "--municipality", "stockholm"]),
        ("sweden import-kolada a folder", ["sweden", "import-kolada", str(f["dir"]), "--municipality", "stockholm"]),
        ("sweden calendar huge year", ["sweden", "calendar", "--municipality", "stockholm", "--year", HUGE]),
        ("sweden calendar day 2021-13-45", ["sweden", "calendar", "--municipality", "stockholm", "--year", "2026",
                                            "--today", "2021-13-45"]),
        ("sweden calendar unknown municipality", ["sweden", "calendar", "--municipality", "nope", "--year", "2026"]),
    ]
    # A password long enough, so that what is refused is the argument named (the short one is "short").
    return [(what, args, "short\n" if what.endswith("short password") else "a-password-long-enough\n")
            for what, args in listed]


def run_here(args: list[str], stdin: str) -> tuple[int | str, str, str]:
    """``socialplan ARGS`` in this process: (exit code, stdout, stderr); an exception that escapes the command
    is printed to stderr as the traceback a user would see."""
    from core.cli import main

    out, err = io.StringIO(), io.StringIO()
    code: int | str = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), _argv(["socialplan", *args]), \
            _stdin(stdin):
        try:
            main()
        except SystemExit as leaving:
            code = leaving.code if isinstance(leaving.code, int) else 1
        except BaseException:  # what a user would see as a traceback
            traceback.print_exc(file=err)
            code = "traceback"
    return code, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def _argv(argv: list[str]):
    saved, sys.argv = sys.argv, argv
    try:
        yield
    finally:
        sys.argv = saved


@contextlib.contextmanager
def _stdin(text: str):
    saved, sys.stdin = sys.stdin, io.StringIO(text)
    try:
        yield
    finally:
        sys.stdin = saved


def one_sentence(code, out: str, err: str) -> str | None:
    """What is wrong with how a refused command ended, or None when it ended as it should."""
    lines = [line for line in err.splitlines() if line.strip()]
    if "Traceback" in err or "Traceback" in out or code == "traceback":
        return f"a traceback: {err[-600:]}"
    if code == 0:
        return f"exit 0: {out[-300:]}"
    if len(lines) != 1 or not lines[0].startswith("Error: "):
        return f"not one sentence on stderr: {err[-300:]!r}"
    return None


def test_every_command_refuses_hostile_arguments_in_one_sentence(one_app, files, capsys):
    problems = []
    corpus = cases(files)
    for what, args, stdin in corpus:
        problem = one_sentence(*run_here(args, stdin))
        if problem:
            problems.append(f"{what}: {problem}")
    with capsys.disabled():
        print(f"\nCLI corpus: {len(corpus)} bad invocations, {len(problems)} problems")
    assert problems == [], "\n".join(problems)
    if files["full"] is not None:
        assert stat.S_ISCHR(files["full"].stat().st_mode)  # the device was written to, never replaced


def test_a_real_process_refuses_a_deep_document_a_full_disk_and_a_huge_year(cli_env, files):
    runs = [["plan", "import", str(files["nested.json"])]]
    if files["full"] is not None:
        runs.append(["plan", "export", *PLAN, "--out", str(files["full"])])
    runs.append(["report", "render", "--all", "--year", HUGE, "--kind", "action-plan", "--lang", "ro",
                 "--out-dir", str(files["dir"] / "pdfs"), "--jobs", "-1"])
    for args in runs:
        result = subprocess.run([SOCIALPLAN, *args], env=cli_env, capture_output=True, text=True, timeout=120)
        assert one_sentence(result.returncode, result.stdout, result.stderr) is None, (args, result.stderr)


def test_text_given_on_the_command_line_is_kept_as_the_product_keeps_text(one_app):
    code, out, err = run_here(["user", "token", "create", "--email", "planner@piatra-neamt.demo",
                               "--name", "CI\x07 export\x1b s\u0326i t\u0326ara"], "")
    assert code == 0, err
    code, out, err = run_here(["user", "token", "list", "--email", "planner@piatra-neamt.demo"], "")
    assert code == 0 and "CI export \u0219i \u021bara" in out
