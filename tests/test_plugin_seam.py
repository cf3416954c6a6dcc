"""The plugin seam: every hook is exercised, and a plugin defined here extends a plan with a
section, a rule and a report kind without any change to core. The plugin imports only core.sdk."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import g, render_template
from werkzeug.exceptions import NotFound
from wtforms import Form, StringField

from core import hookspecs
from core.plugin_manager import PluginConflict, create_plugin_manager
from core.sdk import (
    Column,
    DashboardPanel,
    Finding,
    FundingSource,
    Jurisdiction,
    Nomenclature,
    NomenclatureEntry,
    PlanKind,
    ReportKind,
    RowType,
    SectionFormSpec,
    SectionSpec,
    Severity,
    WorkflowStep,
    hookimpl,
)
from core.sdk.web import plugin_blueprint

TEMPLATES = Path(__file__).parent / "fixtures" / "seam_templates"
CATALOGS = Path(__file__).parent / "fixtures" / "seam_translations"


class NoteForm(Form):
    note = StringField("Note")


def _render_minutes(context) -> bytes:
    from core.sdk.reports import ReportBuilder

    builder = ReportBuilder(title="Minutes", municipality_name=context.municipality.slug, locale=context.locale)
    builder.heading("Minutes of the seam")
    rows = [[row["note"]] for row in context.document["sections"]["notes"]["rows"]]
    builder.table(header=[["Note"]], rows=rows, col_widths=[1.0], wrap={0})
    return builder.build()


seam_blueprint = plugin_blueprint("seam", __name__)  # /m/<municipality>/seam/...


# No checks of its own: core signs in, loads g.municipality, 404s where the plugin is off, 403s a viewer's POST.
@seam_blueprint.route("/hello", methods=["GET", "POST"])
def seam_hello(municipality: str):
    return "hello from the seam" if g.municipality.slug == municipality else "wrong municipality"


class SeamPlugin:
    """A complete, minimal jurisdiction that lives only in this test module."""

    def __init__(self) -> None:
        self.imported: list[tuple[int, dict]] = []  # what the import hook was handed, per plan id
        self.restored: list[tuple[str, dict, set[str]]] = []  # what the restore hook was handed
        self.panel_contexts: list = []  # the PluginContext each dashboard call got

    @hookimpl
    def socialplan_jurisdictions(self):
        return [Jurisdiction("zz", "Seamland", ("ZZ",), "EUR", "en")]

    @hookimpl
    def socialplan_nomenclature(self, jurisdiction):
        if jurisdiction == "zz":
            return Nomenclature([NomenclatureEntry("ZZ-1", "Seam service")], version="1", source="this test")
        return None

    @hookimpl
    def socialplan_funding_sources(self, jurisdiction):
        return [FundingSource("seam-fund", "Seam fund")] if jurisdiction == "zz" else None

    @hookimpl
    def socialplan_plan_kinds(self):
        return [
            PlanKind(
                code="seam-plan",
                name="Seam plan",
                jurisdiction="zz",
                sections=(
                    SectionSpec("notes", "Notes", RowType.ENTRY, (Column("note", "Note"),), required=True),
                ),
                workflow=(
                    WorkflowStep("submit", "Submit", "draft", "submitted", blocks_on_errors=True),
                    WorkflowStep("approve", "Approve", "submitted", "approved",
                                 ("council_decision_ref", "council_decision_date")),
                ),
            )
        ]

    @hookimpl
    def socialplan_section_form(self, plan_kind, section):
        if (plan_kind, section) == ("seam-plan", "notes"):
            return SectionFormSpec(NoteForm, to_row=lambda form: {"note": form.note.data})
        return None

    @hookimpl
    def socialplan_validate_plan(self, document, context):
        if document["kind"] != "seam-plan":
            return []
        return [
            Finding(Severity.WARNING, "A note shouts.", f"notes/{index}/note", "seam.shouting")
            for index, row in enumerate(document["sections"]["notes"]["rows"])
            if row.get("note", "").isupper()
        ]

    @hookimpl
    def socialplan_export_plan_extension(self, plan, context):
        if plan.kind != "seam-plan":
            return None
        from core.sdk.plans import section_content

        return {"note_count": len(section_content(context.session, context.registry, plan, "notes")["rows"])}

    @hookimpl
    def socialplan_import_plan_extension(self, plan, session, data):
        from core.sdk import DocumentError

        if not isinstance(data.get("note_count"), int):
            raise DocumentError("$.extensions.seam.note_count", "a whole number is expected")
        self.imported.append((plan.id, data))

    @hookimpl
    def socialplan_backup_municipality(self, session, municipality, id_map):
        if "seam" not in municipality.enabled_plugins:
            return None
        return {"greeting": f"hello from {municipality.slug} & <co>", "municipality": id_map["municipality"][
            municipality.id]}

    @hookimpl
    def socialplan_restore_municipality(self, session, municipality, data, id_map):
        from core.sdk.backup import BackupError

        if id_map["municipality"].get(data["municipality"]) != municipality.id:
            raise BackupError("The seam's data names another municipality.")
        self.restored.append((municipality.slug, data, set(id_map)))

    @hookimpl
    def socialplan_report_kinds(self):
        return [ReportKind("seam-minutes", "Minutes", "seam-plan", _render_minutes)]

    @hookimpl
    def socialplan_blueprints(self):
        return [seam_blueprint]

    @hookimpl
    def socialplan_template_dirs(self):
        return [TEMPLATES]

    @hookimpl
    def socialplan_translation_dirs(self):
        return [(CATALOGS, "seam")]

    @hookimpl
    def socialplan_migration_dirs(self):
        return []

    @hookimpl
    def socialplan_dashboard_panels(self, municipality, context):
        self.panel_contexts.append(context)
        return [DashboardPanel(context.gettext("Seam panel"), "seam/seam_panel.html", {"slug": municipality.slug})]

    @hookimpl
    def socialplan_cli_commands(self):
        import click

        @click.command("seam-hello")
        def seam_hello_command():
            click.echo("hello from the seam")

        return [seam_hello_command]

    @hookimpl
    def socialplan_demo_data(self, session, context):
        from core.sdk.demo import ensure_municipality

        ensure_municipality(session, context.registry, "seamtown", {"en": "Seamtown"}, "ZZ", "en", "EUR", ("seam",))
        return ["seamtown"]

    @hookimpl
    def socialplan_audit_actions(self):
        from core.sdk.audit import AuditAction

        return [AuditAction("seam.greeted", "Seam greeted", {"whom": "Whom"})]


@pytest.fixture
def seam_app(make_app, database_url):
    app = make_app(database_url, extra_plugins=[("seam", SeamPlugin())])
    app.extensions["seam"] = app.extensions["socialplan.pm"].get_plugin("seam")
    yield app
    app.extensions["socialplan.engine"].dispose()


@pytest.fixture
def seam(seam_app):
    """An app context with Seamtown loaded through the demo hook, and its registry."""
    from core.db import get_session
    from core.demo import load_demo

    with seam_app.app_context():
        session = get_session()
        load_demo(session, seam_app.extensions["socialplan.registry"])
        from core.services.accounts import municipality_by_slug

        yield SimpleNamespace(
            app=seam_app, session=session, registry=seam_app.extensions["socialplan.registry"],
            town=municipality_by_slug(session, "seamtown"),
        )


def _plan_with_notes(seam, *notes: str):
    from core.services.plans import add_row, create_plan

    plan = create_plan(seam.session, seam.registry, seam.town, 2026, "seam-plan", None)
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


def test_hook_jurisdictions(seam):
    plugin, jurisdiction = seam.registry.jurisdictions["zz"]
    assert plugin == "seam" and jurisdiction.currency == "EUR"


def test_hook_nomenclature(seam):
    nomenclature = seam.registry.nomenclature("zz")
    assert nomenclature.lookup(" zz-1 ").name == "Seam service"
    assert nomenclature.lookup("ZZ-2") is None
    assert seam.registry.nomenclature("nowhere") is None


def test_hook_funding_sources(seam):
    assert [s.code for s in seam.registry.funding_sources("zz")] == ["seam-fund"]
    assert seam.registry.funding_sources("nowhere") == []


def test_hook_plan_kinds(seam):
    assert seam.registry.plugin_of_plan_kind("seam-plan") == "seam"
    assert [k.code for k in seam.registry.plan_kinds_for({"seam"})] == ["seam-plan"]
    assert "seam-plan" not in [k.code for k in seam.registry.plan_kinds_for(set())]


def test_hook_section_form(seam):
    spec = seam.registry.pm.hook.socialplan_section_form(plan_kind="seam-plan", section="notes")
    form = spec.form_class(data={"note": "hello"})
    assert spec.to_row(form) == {"note": "hello"}


def test_hook_validate_plan(seam):
    from core.services.plans import document_of
    from core.services.validation import validate_document

    plan = _plan_with_notes(seam, "quiet", "LOUD")
    findings = validate_document(seam.registry, plan, seam.registry.plan_kind("seam-plan"),
                                 document_of(seam.session, seam.registry, plan))
    assert [(f.rule, f.field) for f in findings] == [("seam.shouting", "notes/1/note")]


def test_required_section_is_an_error_and_blocks_submission(seam):
    from core.services.plans import PlanError, create_plan, document_of, take_step
    from core.services.validation import errors, validate_document

    plan = create_plan(seam.session, seam.registry, seam.town, 2027, "seam-plan", None)
    findings = validate_document(seam.registry, plan, seam.registry.plan_kind("seam-plan"),
                                 document_of(seam.session, seam.registry, plan))
    assert [f.field for f in errors(findings)] == ["notes"]
    with pytest.raises(PlanError):
        take_step(seam.session, seam.registry, plan, "submit", {}, None, blocking_errors=len(errors(findings)))
    assert plan.status == "draft"


def test_hook_report_kinds(seam):
    from pypdf import PdfReader

    from core.reports import render_report

    plan = _plan_with_notes(seam, "Seam <b>note</b> & more")
    pdf = render_report(seam.session, plan, "seam-minutes", "en")
    import io

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Minutes of the seam" in text
    assert "Seam <b>note</b> & more" in text


def test_hook_export_plan_extension(seam):
    from core.services.plans import document_of, revision_snapshot

    plan = _plan_with_notes(seam, "one", "two")
    assert document_of(seam.session, seam.registry, plan)["extensions"] == {"seam": {"note_count": 2}}
    assert revision_snapshot(seam.session, plan.revisions[-1])["extensions"]["seam"] == {"note_count": 2}
    assert revision_snapshot(seam.session, plan.revisions[-2])["extensions"]["seam"] == {"note_count": 1}


def test_hook_import_plan_extension(seam):
    from core.interchange import DocumentError
    from core.services.imports import import_plan
    from core.services.plans import document_of

    document = document_of(seam.session, seam.registry, _plan_with_notes(seam, "one"))
    plugin = seam.app.extensions["seam"]
    plan = import_plan(seam.session, seam.registry, document, None)
    assert plugin.imported == [(plan.id, {"note_count": 1})]
    document["extensions"]["seam"]["note_count"] = "many"
    with pytest.raises(DocumentError) as refused:
        import_plan(seam.session, seam.registry, document, None)
    assert refused.value.path == "$.extensions.seam.note_count"


def test_hook_backup_municipality(seam, tmp_path):
    import json
    import zipfile

    from core.services.backup import write_backup

    write_backup(seam.session, seam.registry, tmp_path / "seam.zip")
    with zipfile.ZipFile(tmp_path / "seam.zip") as archive:
        names = archive.namelist()
        data = json.loads(archive.read("plugins/seam/seamtown.json"))
    assert data["greeting"] == "hello from seamtown & <co>"
    assert isinstance(data["municipality"], int)  # core's reference of the row, as id_map gave it
    assert not [name for name in names if name.startswith("plugins/seam/") and "seamtown" not in name]


def test_hook_restore_municipality(seam, tmp_path, make_app, sqlite_template):
    import shutil

    from core.db import get_session
    from core.services.backup import write_backup

    write_backup(seam.session, seam.registry, tmp_path / "seam.zip")
    shutil.copyfile(sqlite_template, tmp_path / "empty.sqlite")
    target = make_app(f"sqlite:///{tmp_path / 'empty.sqlite'}", extra_plugins=[("seam", SeamPlugin())])
    plugin = target.extensions["socialplan.pm"].get_plugin("seam")
    with target.app_context():
        from core.services.backup import restore_backup

        restore_backup(get_session(), target.extensions["socialplan.registry"], tmp_path / "seam.zip")
        get_session().rollback()
    target.extensions["socialplan.engine"].dispose()
    assert [(slug, data["greeting"]) for slug, data, _ in plugin.restored] == [
        ("seamtown", "hello from seamtown & <co>")]
    assert {"municipality", "user_account", "provider"} <= plugin.restored[0][2]


def _seam_user(seam, email: str, role: str, municipality) -> str:
    from core.sdk.testing import create_user

    create_user(seam.session, email, "seam-password-1", role, municipality, "en")
    seam.session.commit()
    return email


def test_hook_blueprints(seam):
    from core.sdk.testing import DEMO_ADMIN, DEMO_PASSWORD, login

    client = seam.app.test_client()
    # Core wraps the plugin's view, which checks nothing itself: signed out, it is the sign-in page.
    assert "/login" in client.get("/m/seamtown/seam/hello").headers["Location"]
    login(client, DEMO_ADMIN, DEMO_PASSWORD)
    assert client.get("/m/seamtown/seam/hello").data == b"hello from the seam"
    assert client.get("/m/nowhere/seam/hello").status_code == 404


def test_plugin_pages_follow_core_roles_and_tenancy(seam):
    from core.sdk.testing import create_municipality, login

    viewer = _seam_user(seam, "o'brien&<co>@seamtown.example", "viewer", seam.town)
    client = seam.app.test_client()
    login(client, viewer, "seam-password-1")
    assert client.get("/m/seamtown/seam/hello").status_code == 200
    assert client.post("/m/seamtown/seam/hello").status_code == 403  # a council viewer never changes
    planner = _seam_user(seam, "planner@seamtown.example", "planner", seam.town)
    login(client, planner, "seam-password-1")
    assert client.post("/m/seamtown/seam/hello").data == b"hello from the seam"
    other = create_municipality(seam.session, "ostra-by", {"en": "Östra By & <Co>"}, "ZZ", "en", "EUR")
    seam.session.commit()
    assert client.get(f"/m/{other.slug}/seam/hello").status_code == 404  # another tenant's: not revealed


def test_disabled_plugin_pages_answer_404(seam):
    from core.sdk.testing import DEMO_ADMIN, DEMO_PASSWORD, login, set_plugin_enabled

    set_plugin_enabled(seam.session, seam.registry, seam.town, "seam", False)
    seam.session.commit()
    client = seam.app.test_client()
    login(client, DEMO_ADMIN, DEMO_PASSWORD)
    assert client.get("/m/seamtown/seam/hello").status_code == 404


def test_hook_template_dirs(seam):
    from jinja2 import TemplateNotFound

    template = seam.app.jinja_env.get_template("seam/seam_panel.html")
    assert "seam panel for x" in template.render(slug="x")
    # Only under the plugin's own name: a plugin's folder never stands in for a core template.
    with pytest.raises(TemplateNotFound):
        seam.app.jinja_env.get_template("seam_panel.html")


def test_plugin_templates_answer_404_where_the_plugin_is_off(seam):
    from core.sdk.testing import set_plugin_enabled

    with seam.app.test_request_context("/"):
        g.municipality = seam.town
        assert "seam panel for seamtown" in render_template("seam/seam_panel.html", slug="seamtown")
        set_plugin_enabled(seam.session, seam.registry, seam.town, "seam", False)
        with pytest.raises(NotFound):
            render_template("seam/seam_panel.html", slug="seamtown")  # cached by name, still refused


def test_hook_translation_dirs(seam):
    from core.i18n import plugin_domain

    with seam.app.app_context():
        domain = plugin_domain("seam")
    assert domain.translation_directories == [str(CATALOGS.resolve())] and domain.domain == ["seam"]
    # Core's Babel reads core's catalog alone: the plugin's is a domain of its own.
    assert seam.app.config["BABEL_DOMAIN"] == "messages"


def test_hook_migration_dirs(seam):
    from core.plugin_manager import plugin_migration_dirs

    dirs = plugin_migration_dirs(seam.registry.pm)
    assert all(path.is_dir() for path in dirs)
    assert not any("seam" in str(path) for path in dirs)


def test_hook_dashboard_panels(seam):
    panels = seam.registry.collect_enabled("socialplan_dashboard_panels", {"seam"}, municipality=seam.town,
                                           session=seam.session)
    assert [p.context["slug"] for p in panels if p.title == "Seam panel"] == ["seamtown"]
    context = seam.app.extensions["seam"].panel_contexts[-1]  # the hook's own context, no globals needed
    assert (context.plugin, context.session, context.municipality, context.registry) == (
        "seam", seam.session, seam.town, seam.registry)
    assert not [p for p in seam.registry.collect_enabled("socialplan_dashboard_panels", set(),
                                                         municipality=seam.town, session=seam.session)
                if p.title == "Seam panel"]


def test_hook_cli_commands():
    pm = create_plugin_manager([("seam", SeamPlugin())])
    commands = [c.name for batch in pm.hook.socialplan_cli_commands() for c in batch]
    assert "seam-hello" in commands


def test_hook_demo_data(seam):
    from core.demo import load_demo
    from core.models import Municipality

    before = seam.session.query(Municipality).count()
    load_demo(seam.session, seam.registry)
    assert seam.session.query(Municipality).count() == before
    assert seam.town.enabled_plugins == {"seam"}


def test_hook_audit_actions(seam):
    from core.services import audit

    event = audit.record(seam.session, user=audit.CLI, municipality=seam.town, action="seam.greeted",
                         detail={"whom": "Åsa & <co>"})
    assert audit.describe(event, audit.actions(seam.registry)) == audit.Description("Seam greeted",
                                                                                    ("Whom: Åsa & <co>",))
    assert audit.describe(event, audit.actions()).label == "Other change"  # core alone does not know the code


def test_two_plugins_claiming_one_plan_kind_are_refused(make_app, database_url):
    class Copycat:
        @hookimpl
        def socialplan_plan_kinds(self):
            return SeamPlugin().socialplan_plan_kinds()

    with pytest.raises(PluginConflict, match="seam-plan"):
        make_app(database_url, extra_plugins=[("seam", SeamPlugin()), ("copycat", Copycat())])
