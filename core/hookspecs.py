"""Every hook a socialplan plugin can implement.

A plugin is a module (or object) registered through the ``socialplan.plugins`` entry-point
group; it decorates functions with :data:`hookimpl` and names them after the specifications
below. Core builds its registry from these answers once, when the application starts
(:func:`core.plugin_manager.build_registry`); items are tagged with the name of the plugin that
returned them, so that a municipality which has not enabled the plugin never sees them.

Unless a hook says "first result", every implementation is called and core combines the lists.
Two plugins that claim the same plan kind or report kind code are refused at start-up.

Every call goes through pluggy, also when core calls the plugins one by one to tag their answers or
only those a municipality enabled (``pm.subset_hook_caller``): ``SOCIALPLAN_TRACE_HOOKS=1`` traces
each, hook wrappers (``@hookimpl(wrapper=True)``) wrap each, ``tryfirst``/``trylast`` order them.

A hook that takes ``context`` gets a :class:`core.sdk.PluginContext` of its own plugin: the session,
the registry, the municipality (when the call is about one), the locale and the plugin's gettext.
A plugin reaches the database through it (or through a ``session`` argument), never a global.
Plugins import the marker and the value types from :mod:`core.sdk`, not from this module.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click
    from flask import Blueprint
    from sqlalchemy.orm import Session

    from core.models import AnnualPlan, Municipality
    from core.plugin_api import (
        DashboardPanel,
        Finding,
        FundingSource,
        Jurisdiction,
        MunicipalityRegister,
        Nomenclature,
        PlanKind,
        ReportKind,
        SectionFormSpec,
        ValidationContext,
    )
    from core.plugin_context import PluginContext
    from core.services.council_documents import CouncilDocument

PROJECT = "socialplan"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- What a jurisdiction is ------------------------------------------------------------------


@hookspec
def socialplan_jurisdictions() -> list[Jurisdiction]:
    """The jurisdictions this plugin provides.

    Called once at start-up. Returns a list of :class:`core.plugin_api.Jurisdiction`; the lists
    of all plugins are concatenated and a code claimed twice is refused.
    """


@hookspec(firstresult=True)
def socialplan_nomenclature(jurisdiction: str) -> Nomenclature | None:
    """The nomenclature of service codes of ``jurisdiction`` (e.g. ``'ro'``).

    Called when a form offers the code list, when rules check codes and on plan import.
    Returns a :class:`core.plugin_api.Nomenclature`, or None when the plugin does not know the
    jurisdiction. First result: stops at the first non-None answer.
    """


@hookspec(firstresult=True)
def socialplan_municipality_register(country: str) -> MunicipalityRegister | None:
    """The official register of the municipalities of ``country`` (ISO 3166-1 alpha-2, e.g. ``'RO'``).

    Called by the administrator's municipality form (new and edit) when it offers municipalities to pick
    from, when it checks a picked or typed identifier, and by pages and reports that name a municipality's
    region or type. Returns a :class:`core.sdk.MunicipalityRegister` of
    :class:`core.sdk.ReferenceMunicipality` (official identifier, name, region, type), or None when the
    plugin has no register of that country. First result: stops at the first non-None answer.

    Core keeps what the administrator picked on the municipality: the identifier as
    ``Municipality.official_code`` and the region as ``Municipality.region`` (read them through the
    report context's ``municipality``); the register stays the plugin's, read-only reference data.
    The register's labels and types are lazy gettext strings: they are read in the request's language.
    Called for every municipality a plugin is installed for, whether enabled or not: a register is about
    a country, not a municipality's plans.
    """


@hookspec(firstresult=True)
def socialplan_funding_sources(jurisdiction: str) -> list[FundingSource] | None:
    """The funding sources of ``jurisdiction``, in the order budget tables show them.

    Called by budget forms, rules and reports.
    Returns a list of :class:`core.plugin_api.FundingSource`, or None for a jurisdiction the
    plugin does not know. First result.
    """


# --- Plans: kinds, sections, forms, rules ------------------------------------------------------


@hookspec
def socialplan_plan_kinds() -> list[PlanKind]:
    """The plan kinds this plugin provides, each with its sections and workflow steps.

    Called once at start-up. Returns a list of :class:`core.plugin_api.PlanKind`; concatenated
    over plugins; a code claimed by two plugins is refused.
    """


@hookspec(firstresult=True)
def socialplan_section_form(plan_kind: str, section: str) -> SectionFormSpec | None:
    """The WTForms form that edits one row of ``section`` of ``plan_kind``.

    Called by the plan editor for every row form it shows or validates. Returns a
    :class:`core.plugin_api.SectionFormSpec`, or None to let core use its generic form for the
    section's row type. First result.
    """


@hookspec
def socialplan_validate_plan(document: dict[str, Any], context: ValidationContext) -> list[Finding]:
    """Rule findings for a plan.

    Called after every save in the editor, before every workflow step and on plan import, for
    plans of kinds whose plugin is enabled for the plan's municipality. ``document`` is the plan
    in the interchange format (see ``core/schemas/plan-v1.schema.json``); ``context`` is a
    :class:`core.sdk.ValidationContext`: the plan, its kind, the jurisdiction's nomenclature, the
    locale messages must use, the ``session`` the plan was read with (query the plugin's own tables
    through it), the ``registry`` and the plan's ``municipality``.
    Returns a list of :class:`core.plugin_api.Finding`; all lists are concatenated. A plugin
    must return [] for plan kinds it does not know.
    """


@hookspec
def socialplan_export_plan_extension(
    plan: AnnualPlan, session: Session, personal_data: bool, context: PluginContext
) -> dict[str, Any] | None:
    """Plugin-owned data that belongs to ``plan`` and travels with it.

    Called whenever core makes the plan document (export, every revision, reports), for plugins
    enabled for the plan's municipality. Returns a JSON-able dict (decimals as strings), or None
    when the plugin has nothing for this plan. Core puts each answer under
    ``document["extensions"][<plugin name>]``. ``context`` is the plugin's context for the plan's
    municipality (``context.session is session``).

    ``personal_data`` is False unless an administrator exports the plan for a
    migration or backup (``socialplan plan export --include-personal-data``,
    ``document_of(..., personal_data=True)``); such a document is marked ``"personal_data": true``.
    Only then may the block carry personal-level data (e.g. answer counts of small groups below a
    suppression threshold). Pages, the API, reports and revision snapshots ask with False, and what
    they get may reach anyone who may read the plan, council viewers included. An implementation
    may leave the argument out of its signature when it has no such data.
    """


@hookspec
def socialplan_import_plan_extension(
    plan: AnnualPlan, session: Session, data: dict[str, Any], personal_data: bool, context: PluginContext
) -> None:
    """Replace the plugin's data for ``plan`` with ``data``, its block of ``document["extensions"]``.

    ``personal_data`` is True when the document is marked ``"personal_data": true`` (see
    :func:`socialplan_export_plan_extension`): only then may the block's personal-level data be read.

    Called on plan import, only for the plugin the block is named after, after the plan's
    sections are written and inside the import's savepoint, with the plugin's ``context`` for the
    plan's municipality. Returns None; raise :class:`core.sdk.DocumentError` with a path under
    ``$.extensions.<plugin>`` to refuse the whole import.
    """


# --- Backup and restore of a whole deployment ---------------------------------------------------


@hookspec
def socialplan_backup_municipality(
    session: Session, municipality: Municipality, id_map: dict[str, dict[int, int]], context: PluginContext
) -> dict[str, Any] | None:
    """All of this plugin's own data about ``municipality``, for ``socialplan backup``.

    Called once per municipality by :func:`core.services.backup.write_backup`, for every installed
    plugin whether the municipality has it enabled or not (a plugin switched off keeps its rows),
    after core's tables are written; ``context`` is the plugin's, for ``municipality``.
    ``id_map`` maps each core table's name to ``{database id:
    archive reference}`` of its rows, for references to core rows (providers, users); do not change
    it. Returns a JSON-able dict (decimals and dates as strings), or None when the plugin holds
    nothing for the municipality. Tables are best returned as :func:`core.sdk.backup.dump_table`
    makes them, under the key ``"tables"``: core writes each as a member of its own, row by row,
    and counts its rows in the manifest. A list of table names under ``"personal_data"`` tells the
    manifest which of them hold personal data. The answer is stored as ``plugins/<plugin>/<slug>.json``.
    """


@hookspec
def socialplan_restore_municipality(
    session: Session, municipality: Municipality, data: dict[str, Any], id_map: dict[str, dict[int, int]],
    context: PluginContext,
) -> None:
    """Write back what this plugin's :func:`socialplan_backup_municipality` returned for ``municipality``.

    Called by ``socialplan restore`` into an empty database, only for the plugin the data is named
    after, once per municipality the archive holds its data for, after core's tables, plans and
    revisions are written and inside the restore's single transaction, with the plugin's ``context``.
    ``municipality`` is the restored row; ``data`` is the dict the backup hook returned, each table
    made by ``dump_table`` given back as a :class:`core.sdk.backup.TableDump` whose rows are read as they are
    iterated (write it with :func:`core.sdk.backup.load_table`); ``id_map`` maps each core
    table's name to ``{archive reference: new database id}``. Returns None; raise
    :class:`core.sdk.backup.BackupError` with one sentence to refuse the whole restore.
    """


# --- Reports -----------------------------------------------------------------------------------


@hookspec
def socialplan_report_kinds() -> list[ReportKind]:
    """The PDF report kinds this plugin provides.

    Called once at start-up. Returns a list of :class:`core.plugin_api.ReportKind`, whose
    ``render(context: core.reports.ReportContext) -> bytes`` builds the PDF with the core report
    layer. Concatenated; a code claimed twice is refused.
    """


@hookspec
def socialplan_council_documents(plan_kind: str, municipality: Municipality, context: PluginContext
                                 ) -> list[CouncilDocument]:
    """The documents a council decides on around a plan of ``plan_kind`` (a plan kind code this plugin provides):
    a draft decision, an officer's report, the plan as the decision's annex.

    Called only for the plugin that provides ``plan_kind`` and only when it is enabled for ``municipality``: when a
    plan page lists the documents to download (planners and council viewers: any revision they may see; the
    public plan page: adopted revisions of a published municipality), when one is downloaded (as PDF or DOCX, in
    any of en, sv and ro; the plan's language by default), and when an administrator edits the municipality's
    wording of their fixed texts. ``context`` is the plugin's, for ``municipality``.

    Returns a list of :class:`core.sdk.documents.CouncilDocument`, [] for a plan kind the plugin has none for.
    Each has a ``code`` (unique within the plan kind: it is the download's address), a ``name`` (a lazy gettext
    string), its template's fixed texts (:class:`core.sdk.documents.FixedText`: key, label, default wording from the
    plugin's catalog, the placeholders it may use, whether it names an officer) and ``build(context:
    core.sdk.documents.DocumentContext) -> core.sdk.documents.Document``: the document's content as a neutral
    structure (headings, paragraphs, bullets, numbered articles, tables, label/value fields, signatures) that core
    renders into both PDF and DOCX. ``build`` runs inside the document's ``force_locale``; it reads the plan
    through ``context.document`` (for a public copy only its public part), and every fixed text through
    ``context.text(key, **placeholders)``, which answers the municipality's wording when it set one. A document
    may instead name a report kind (``report=``): the plan's own PDF printed as this document (the annex), PDF
    only. ``public_officers=True`` prints the names of its officer texts on the public copy too (else a public
    copy leaves them out); no document ever prints a user account.
    """


# --- Web, templates, translations ---------------------------------------------------------------


@hookspec
def socialplan_blueprints() -> list[Blueprint]:
    """Flask blueprints this plugin adds to the web application.

    Called once by the application factory. Returns a list of ``flask.Blueprint`` (best made with
    :func:`core.sdk.web.plugin_blueprint`); core registers each and wraps every one of its views:

    - the user must be signed in (else the sign-in page);
    - a route with ``<municipality>`` in its URL loads that municipality onto ``g.municipality`` when
      the user may see it (an admin, or a member of it), and answers 404 unless the plugin is
      enabled for it;
    - a view a method other than GET, HEAD or OPTIONS reaches needs a planner or an admin (403 for
      a council viewer); a GET page that only editors may see (a form) calls
      :func:`core.sdk.web.require_editor` itself.

    The plugin writes none of these checks.
    """


@hookspec
def socialplan_template_dirs() -> list[Path]:
    """Folders of Jinja templates this plugin provides.

    Called once by the application factory. Returns a list of folder paths. A plugin's templates
    are named after the plugin: only names that begin with ``<plugin>/`` are looked up in its
    folders (``sweden/units.html`` is ``<folder>/sweden/units.html``), so a plugin never replaces
    a core template or another plugin's. Rendering a plugin's template for a request about a
    municipality that has not enabled the plugin answers 404. The instance folder's ``templates``
    still override everything; ``default:<name>`` reaches core's own.
    """


@hookspec
def socialplan_translation_dirs() -> list[tuple[Path, str]]:
    """This plugin's gettext catalogs as ``(translations folder, domain)`` pairs.

    Called once by the application factory. Returns a list of pairs; each domain is the plugin's
    alone (core's pages translate with core's catalog only). The plugin's code translates with
    :func:`core.sdk.translations_for` (its ``i18n.py``) or ``context.gettext``; its templates use its
    first domain on their own.
    """


@hookspec
def socialplan_migration_dirs() -> list[Path]:
    """Folders of Alembic revisions for the plugin's own tables.

    Called by ``socialplan db upgrade``. Returns a list of folder paths; concatenated. A
    plugin's first revision must depend on core's ``core_0001`` revision and carry a branch label
    named after the plugin.
    """


@hookspec
def socialplan_dashboard_panels(
    municipality: Municipality, session: Session, context: PluginContext
) -> list[DashboardPanel]:
    """Extra panels on a municipality's dashboard (e.g. follow-ups due and overdue).

    Called on every dashboard request, only for plugins enabled for ``municipality``, with the
    plugin's ``context`` (its session and locale). Returns a list of
    :class:`core.sdk.DashboardPanel` whose template is one of the plugin's; concatenated.
    """


@hookspec
def socialplan_cli_commands() -> list[click.Command]:
    """Extra ``socialplan`` CLI commands or groups.

    Called once when the ``socialplan`` CLI group is built (``core.cli.cli``, also what
    ``app.test_cli_runner()`` runs), before any app exists. Returns a list of ``click.Command``;
    each is added to the top-level group. A command that needs the database is decorated with
    ``flask.cli.with_appcontext`` and gets its context from :func:`core.sdk.cli.context`.
    """


# --- Demo data ---------------------------------------------------------------------------------


@hookspec
def socialplan_demo_data(session: Session, context: PluginContext) -> list[str]:
    """Load this plugin's demo municipalities, users and plans into ``session``.

    Called by ``socialplan demo load`` after core's demo accounts exist, with the plugin's
    ``context`` (no municipality). Plans change through :mod:`core.sdk.plans`, core rows
    through :mod:`core.sdk.demo`. Must be idempotent: a second call changes nothing. Returns
    the slugs of the municipalities it loaded. Core commits after all plugins have answered.
    """


# --- Audit trail -------------------------------------------------------------------------------


@hookspec
def socialplan_audit_actions() -> list[Any]:
    """The action codes this plugin's services record in the audit trail, with their labels.

    Called when the audit page is shown. Returns a list of :class:`core.sdk.audit.AuditAction`
    (code, translated label, the detail fields shown and how their values read); concatenated.
    A plugin records its changes with :func:`core.sdk.audit.record`, codes prefixed with its name.
    """
