"""The plugin seam: every hook is exercised on the suite's test jurisdiction (the SDK page's example
plugin, docs/example-plugin, which imports only core.sdk), loaded beside the built-in plugins as a
third-party package is. It extends core with a plan kind, a row form, rules, a report kind, pages, a
panel, demo data, an audit action, a command and a catalog without any change to core."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from flask import g, render_template
from werkzeug.exceptions import NotFound
from world import KIND, PLUGIN, REPORT

from core import hookspecs
from core.plugin_manager import PluginConflict, create_plugin_manager
from core.sdk import DocumentError, hookimpl

KEEPER = "keeper"


class DataKeeper:
    """The hooks about a plugin's own data: the test jurisdiction keeps none (its rows are core's), so this
    one-off plugin answers them, for plans of the test jurisdiction's kind, and records what it was handed."""

    def __init__(self) -> None:
        self.imported: list[tuple[int, dict]] = []  # what the import hook was handed, per plan id
        self.restored: list[tuple[str, dict, set[str]]] = []  # what the restore hook was handed

    @hookimpl
    def socialplan_export_plan_extension(self, plan, context):
        if plan.kind != KIND:
            return None
        from core.sdk.plans import section_content

        return {"note_count": len(section_content(context.session, context.registry, plan, "notes")["rows"])}

    @hookimpl
    def socialplan_import_plan_extension(self, plan, session, data):
        if not isinstance(data.get("note_count"), int):
            raise DocumentError(f"$.extensions.{KEEPER}.note_count", "a whole number is expected")
        self.imported.append((plan.id, data))

    @hookimpl
    def socialplan_backup_municipality(self, session, municipality, id_map):
        if KEEPER not in municipality.enabled_plugins:
            return None
        return {"greeting": f"hello from {municipality.slug} & <co>",
                "municipality": id_map["municipality"][municipality.id]}

    @hookimpl
    def socialplan_restore_municipality(self, session, municipality, data, id_map):
        from core.sdk.backup import BackupError

        if id_map["municipality"].get(data["municipality"]) != municipality.id:
            raise BackupError("The keeper's data names another municipality.")
        self.restored.append((municipality.slug, data, set(id_map)))

    @hookimpl
    def socialplan_migration_dirs(self):
        return []


@contextmanager
def hook_calls(pm, hook_name: str) -> Iterator[list[dict]]:
    """The keyword arguments of every call of ``hook_name`` meanwhile, as pluggy's monitoring sees them."""
    seen: list[dict] = []

    def before(name, implementations, kwargs):
        if name == hook_name:
            seen.append(dict(kwargs))

    undo = pm.add_hookcall_monitoring(before, lambda *args: None)
    try:
        yield seen
    finally:
        undo()


@pytest.fixture
def seam_app(jurisdiction_app, database_url):
    app = jurisdiction_app(database_url, extra_plugins=[(KEEPER, DataKeeper())])
    app.extensions[KEEPER] = app.extensions["socialplan.pm"].get_plugin(KEEPER)
    return app


@pytest.fixture
def seam(seam_app, jurisdiction):
    """An app context with Example Town loaded through the demo hook (the keeper on too), and its registry."""
    from core.sdk.testing import get_session, load_demo, municipality_by_slug, set_plugin_enabled

    with seam_app.app_context():
        session = get_session()
        registry = seam_app.extensions["socialplan.registry"]
        load_demo(session, registry)
        town = municipality_by_slug(session, "exampletown")
        set_plugin_enabled(session, registry, town, KEEPER, True)
        session.commit()
        yield SimpleNamespace(app=seam_app, session=session, registry=registry, town=town, module=jurisdiction)


def _plan_with_notes(seam, *notes: str, year: int = 2026):
    from core.sdk.plans import add_row, create_plan

    plan = create_plan(seam.session, seam.registry, seam.town, year, KIND, None)
    for note in notes:
        add_row(seam.session, seam.registry, plan, "notes", {"note": note}, None)
    seam.session.commit()
    return plan


HOOK_NAMES = sorted(name for name in dir(hookspecs) if name.startswith("socialplan_"))


@pytest.mark.parametrize("hook", HOOK_NAMES)
def test_every_hook_has_a_test(hook):
    tests = {name for name, _ in inspect.getmembers(sys.modules[__name__], inspect.isfunction)}
    assert f"test_hook_{hook.removeprefix('socialplan_')}" in tests


def test_every_hook_has_a_docstring():
    for name in HOOK_NAMES:
        doc = inspect.getdoc(getattr(hookspecs, name)) or ""
        assert "Called" in doc or "called" in doc, name
        assert "Return" in doc or "return" in doc.lower(), name


def test_hook_council_documents(seam):
    # Only the plugin of the plan kind answers, with its documents (their content: tests/test_council_documents.py).
    answers = dict(seam.registry.answers_by_plugin("socialplan_council_documents", None, plan_kind="action-plan",
                                                   municipality=None))
    assert [d.code for d in answers["romania"]] == ["draft-decision", "specialist-report", "annex"]
    assert answers.get("sweden") == []
    assert answers.get(PLUGIN) is None  # the test jurisdiction has none: core offers none for its plans


def test_hook_municipality_register(seam):
    # First result: Romania's register answers for RO; no plugin has one for the test jurisdiction's XX.
    register = seam.registry.pm.hook.socialplan_municipality_register(country="RO")
    assert register.country == "RO" and register.search("Piatra", limit=5)
    assert seam.registry.pm.hook.socialplan_municipality_register(country="XX") is None


def test_hook_jurisdictions(seam):
    plugin, jurisdiction = seam.registry.jurisdictions["xx"]
    assert plugin == PLUGIN and jurisdiction.currency == "EUR"


def test_hook_nomenclature(seam):
    nomenclature = seam.registry.nomenclature("xx")
    assert nomenclature.lookup(" xx-1 ").name == "Day centre"
    assert nomenclature.lookup("XX-3") is None
    assert seam.registry.nomenclature("nowhere") is None


def test_hook_funding_sources(seam):
    assert [s.code for s in seam.registry.funding_sources("xx")] == ["local", "state", "other"]
    assert seam.registry.funding_sources("nowhere") == []


def test_hook_plan_kinds(seam):
    assert seam.registry.plugin_of_plan_kind(KIND) == PLUGIN
    assert [k.code for k in seam.registry.plan_kinds_for({PLUGIN})] == [KIND]
    assert KIND not in [k.code for k in seam.registry.plan_kinds_for(set())]


def test_hook_section_form(seam):
    spec = seam.registry.pm.hook.socialplan_section_form(plan_kind=KIND, section="notes")
    form = spec.form_class(data={"note": " hello "})
    assert spec.to_row(form) == {"note": "hello"}


def test_hook_validate_plan(seam):
    from core.sdk.plans import document_of, validate_document

    plan = _plan_with_notes(seam, "quiet", "  ")
    findings = validate_document(seam.registry, plan, seam.registry.plan_kind(KIND),
                                 document_of(seam.session, seam.registry, plan))
    # the plugin's own rule (core's finds the empty required services besides, see the next test)
    assert [(f.rule, f.field) for f in findings if f.rule.startswith("example.")] == [
        ("example.empty-note", "notes/1/note")]


def test_required_section_is_an_error_and_blocks_submission(seam):
    from core.sdk.plans import PlanError, create_plan, document_of, errors, take_step, validate_document

    plan = create_plan(seam.session, seam.registry, seam.town, 2027, KIND, None)
    findings = validate_document(seam.registry, plan, seam.registry.plan_kind(KIND),
                                 document_of(seam.session, seam.registry, plan))
    assert [f.field for f in errors(findings)] == ["services"]
    with pytest.raises(PlanError):
        take_step(seam.session, seam.registry, plan, "submit", {}, None, blocking_errors=len(errors(findings)))
    assert plan.status == "draft"


def test_hook_report_kinds(seam):
    from core.sdk.testing import pdf_text, render_report

    plan = _plan_with_notes(seam, "Seam <b>note</b> & more")
    text = pdf_text(render_report(seam.session, plan, REPORT, "en"))
    assert "Example plan 2026" in text
    assert "Seam <b>note</b> & more" in text


def test_hook_export_plan_extension(seam):
    from core.sdk.plans import document_of
    from core.sdk.testing import revision_snapshot

    plan = _plan_with_notes(seam, "one", "two")
    assert document_of(seam.session, seam.registry, plan)["extensions"] == {KEEPER: {"note_count": 2}}
    assert revision_snapshot(seam.session, plan.revisions[-1])["extensions"][KEEPER] == {"note_count": 2}
    assert revision_snapshot(seam.session, plan.revisions[-2])["extensions"][KEEPER] == {"note_count": 1}


def test_hook_import_plan_extension(seam):
    from core.sdk.plans import document_of, import_plan

    document = document_of(seam.session, seam.registry, _plan_with_notes(seam, "one"))
    keeper = seam.app.extensions[KEEPER]
    plan = import_plan(seam.session, seam.registry, document, None)
    assert keeper.imported == [(plan.id, {"note_count": 1})]
    document["extensions"][KEEPER]["note_count"] = "many"
    with pytest.raises(DocumentError) as refused:
        import_plan(seam.session, seam.registry, document, None)
    assert refused.value.path == f"$.extensions.{KEEPER}.note_count"


def test_hook_backup_municipality(seam, tmp_path):
    import json
    import zipfile

    from core.services.backup import write_backup

    write_backup(seam.session, seam.registry, tmp_path / "seam.zip")
    with zipfile.ZipFile(tmp_path / "seam.zip") as archive:
        names = archive.namelist()
        data = json.loads(archive.read(f"plugins/{KEEPER}/exampletown.json"))
    assert data["greeting"] == "hello from exampletown & <co>"
    assert isinstance(data["municipality"], int)  # core's reference of the row, as id_map gave it
    assert not [name for name in names if name.startswith(f"plugins/{KEEPER}/") and "exampletown" not in name]


def test_hook_restore_municipality(seam, tmp_path, jurisdiction_app, sqlite_template):
    import shutil

    from core.sdk.testing import get_session
    from core.services.backup import restore_backup, write_backup

    write_backup(seam.session, seam.registry, tmp_path / "seam.zip")
    shutil.copyfile(sqlite_template, tmp_path / "empty.sqlite")
    target = jurisdiction_app(f"sqlite:///{tmp_path / 'empty.sqlite'}", extra_plugins=[(KEEPER, DataKeeper())])
    keeper = target.extensions["socialplan.pm"].get_plugin(KEEPER)
    with target.app_context():
        restore_backup(get_session(), target.extensions["socialplan.registry"], tmp_path / "seam.zip")
        get_session().rollback()
    assert [(slug, data["greeting"]) for slug, data, _ in keeper.restored] == [
        ("exampletown", "hello from exampletown & <co>")]
    assert {"municipality", "user_account", "provider"} <= keeper.restored[0][2]


def _seam_user(seam, email: str, role: str, municipality) -> str:
    from core.sdk.testing import create_user

    create_user(seam.session, email, "seam-password-1", role, municipality, "en")
    seam.session.commit()
    return email


def test_hook_blueprints(seam):
    from core.sdk.testing import DEMO_ADMIN, DEMO_PASSWORD, login

    client = seam.app.test_client()
    # Core wraps the plugin's view, which checks nothing itself: signed out, it is the sign-in page.
    assert "/login" in client.get("/m/exampletown/example/").headers["Location"]
    login(client, DEMO_ADMIN, DEMO_PASSWORD)
    assert "<h1>Example plan</h1>" in client.get("/m/exampletown/example/").text
    assert client.get("/m/nowhere/example/").status_code == 404


def test_plugin_pages_follow_core_roles_and_tenancy(seam):
    from core.sdk.testing import create_municipality, login

    _plan_with_notes(seam)
    note = {"year": "2026", "note": "Möte & <nämnd>"}
    viewer = _seam_user(seam, "o'brien&<co>@exampletown.example", "viewer", seam.town)
    client = seam.app.test_client()
    login(client, viewer, "seam-password-1")
    assert client.get("/m/exampletown/example/").status_code == 200
    assert client.post("/m/exampletown/example/notes", data=note).status_code == 403  # a council viewer never changes
    planner = _seam_user(seam, "planner@exampletown.example", "planner", seam.town)
    login(client, planner, "seam-password-1")
    assert client.post("/m/exampletown/example/notes", data=note).status_code == 302
    assert "2026: 1 notes" in client.get("/m/exampletown/example/").text
    other = create_municipality(seam.session, "ostra-by", {"en": "Östra By & <Co>"}, "XX", "en", "EUR")
    seam.session.commit()
    assert client.get(f"/m/{other.slug}/example/").status_code == 404  # another tenant's: not revealed


def test_a_plugin_page_refuses_bad_input_beside_the_form_and_saves_nothing(seam):
    from core.sdk.testing import DEMO_ADMIN, DEMO_PASSWORD, login

    _plan_with_notes(seam)
    client = seam.app.test_client()
    login(client, DEMO_ADMIN, DEMO_PASSWORD)
    for data, message in (({"year": "2026", "note": " "}, "Write a note."),
                          ({"year": "1999", "note": "x"}, "There is no example plan for that year."),
                          ({"year": "twenty", "note": "x"}, "There is no example plan for that year.")):
        response = client.post("/m/exampletown/example/notes", data=data)
        assert response.status_code == 422 and message in response.text, data
    assert "2026: 0 notes" in client.get("/m/exampletown/example/").text


def test_disabled_plugin_pages_answer_404(seam):
    from core.sdk.testing import DEMO_ADMIN, DEMO_PASSWORD, login, set_plugin_enabled

    set_plugin_enabled(seam.session, seam.registry, seam.town, PLUGIN, False)
    seam.session.commit()
    client = seam.app.test_client()
    login(client, DEMO_ADMIN, DEMO_PASSWORD)
    assert client.get("/m/exampletown/example/").status_code == 404


PANEL = {"count": 2, "year": 2026}


def test_hook_template_dirs(seam):
    from jinja2 import TemplateNotFound

    with seam.app.test_request_context("/"):
        template = seam.app.jinja_env.get_template("example/panel.html")
        assert "2 notes in the example plan of 2026" in template.render(context=PANEL)
    # Only under the plugin's own name: a plugin's folder never stands in for a core template.
    with pytest.raises(TemplateNotFound):
        seam.app.jinja_env.get_template("panel.html")


def test_plugin_templates_answer_404_where_the_plugin_is_off(seam):
    from core.sdk.testing import set_plugin_enabled

    with seam.app.test_request_context("/"):
        g.municipality = seam.town
        assert "2 notes in the example plan of 2026" in render_template("example/panel.html", context=PANEL)
        set_plugin_enabled(seam.session, seam.registry, seam.town, PLUGIN, False)
        with pytest.raises(NotFound):
            render_template("example/panel.html", context=PANEL)  # cached by name, still refused


def test_hook_translation_dirs(seam):
    from core.i18n import plugin_domain

    with seam.app.app_context():
        domain = plugin_domain(PLUGIN)
    assert domain.translation_directories == [str(seam.module.HERE / "translations")]
    assert domain.domain == [PLUGIN]
    # Core's Babel reads core's catalog alone: the plugin's is a domain of its own.
    assert seam.app.config["BABEL_DOMAIN"] == "messages"


def test_hook_migration_dirs(seam):
    from core.plugin_manager import plugin_migration_dirs

    dirs = plugin_migration_dirs(seam.registry.pm)
    assert all(path.is_dir() for path in dirs)
    assert not any(name in str(path) for path in dirs for name in (PLUGIN, KEEPER))  # neither has tables


def test_hook_dashboard_panels(seam):
    import datetime as dt

    _plan_with_notes(seam, "one", "two", year=dt.date.today().year)
    with hook_calls(seam.registry.pm, "socialplan_dashboard_panels") as calls:
        panels = seam.registry.collect_enabled("socialplan_dashboard_panels", {PLUGIN}, municipality=seam.town,
                                               session=seam.session)
    assert [p.context["count"] for p in panels if p.title == "Example notes"] == [2]
    context = calls[-1]["context"]  # the hook's own context, no globals needed
    assert (context.plugin, context.session, context.municipality, context.registry) == (
        PLUGIN, seam.session, seam.town, seam.registry)
    assert not [p for p in seam.registry.collect_enabled("socialplan_dashboard_panels", set(),
                                                         municipality=seam.town, session=seam.session)
                if p.title == "Example notes"]


def test_hook_cli_commands(jurisdiction):
    pm = create_plugin_manager([(PLUGIN, jurisdiction)])
    commands = [c.name for batch in pm.hook.socialplan_cli_commands() for c in batch]
    assert PLUGIN in commands


def test_hook_demo_data(seam):
    from core.sdk.testing import Municipality, load_demo

    before = seam.session.query(Municipality).count()
    load_demo(seam.session, seam.registry)
    assert seam.session.query(Municipality).count() == before
    assert seam.town.enabled_plugins == {PLUGIN, KEEPER}  # the demo's, and the keeper the fixture switched on


def test_hook_audit_actions(seam):
    from core.services import audit

    event = audit.record(seam.session, user=audit.CLI, municipality=seam.town, action="example.note-added",
                         detail={"year": 2026, "note": "Åsa & <co>"})
    assert audit.describe(event, audit.actions(seam.registry)) == audit.Description(
        "Note added", ("Year: 2026", "Note: Åsa & <co>"))
    assert audit.describe(event, audit.actions()).label == "Other change"  # core alone does not know the code


def test_two_plugins_claiming_one_plan_kind_are_refused(jurisdiction_app, jurisdiction, database_url):
    class Copycat:
        """A second plugin that claims the test jurisdiction's plan kind: the conflict needs two plugins."""

        @hookimpl
        def socialplan_plan_kinds(self):
            return jurisdiction.socialplan_plan_kinds()

    with pytest.raises(PluginConflict, match=KIND):
        jurisdiction_app(database_url, extra_plugins=[("copycat", Copycat())])
