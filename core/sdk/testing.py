"""What a plugin's tests use besides the SDK: fixtures come from socialplan's pytest plugin
(``core.testing``: ``app``, ``client``, ``demo_app``, ``make_app``, ``database_url`` ...), and these."""

from __future__ import annotations

from core.db import get_session
from core.demo import DEMO_ADMIN, DEMO_PASSWORD, load_demo
from core.interchange import DocumentError, check_schema
from core.migrate import alembic_config, upgrade
from core.models import (
    AnnualPlan,
    AuditEvent,
    BudgetLine,
    Municipality,
    PlanRevision,
    Provider,
    RevisionPart,
    Service,
    User,
)
from core.plugin_manager import create_plugin_manager, get_registry
from core.reports import render_report
from core.services.accounts import (
    create_municipality,
    create_user,
    issue_api_token,
    municipality_by_slug,
    set_plugin_enabled,
)
from core.services.plans import PART, revision_snapshot
from core.services.tables import rows_from_cells, section_to_table
from core.testing import cli_environment, login, pdf_text, run_cli, without_revision_numbers, without_uids

# One line per name for docs/plugin-sdk.md (None: the object's own docstring says it).
DOCS = {
    "AnnualPlan": "core's row, to check what a plugin wrote",
    "AuditEvent": "core's row, to check what a plugin wrote",
    "BudgetLine": "core's row, to check what a plugin wrote",
    "Municipality": "core's row, to check what a plugin wrote",
    "PlanRevision": "core's row, to check what a plugin wrote",
    "Provider": "core's row, to check what a plugin wrote",
    "RevisionPart": "core's row, to check what a plugin wrote",
    "Service": "core's row, to check what a plugin wrote",
    "User": "core's rows, to check what a plugin wrote",
    "DEMO_ADMIN": "the demo administrator's e-mail",
    "DEMO_PASSWORD": "every demo account's password",
    "DocumentError": 'a refused plan document',
    "PART": 'how a revision keeps an extension block: {PART: digest}',
    "alembic_config": 'the Alembic configuration of core and the installed plugins',
    "check_schema": 'check a document against the plan JSON schema',
    "create_municipality": 'a new municipality',
    "create_plugin_manager": 'a plugin manager with extra plugin objects',
    "create_user": 'a new account',
    "get_registry": "the running app's registry",
    "get_session": 'the session of the app context',
    "issue_api_token": 'an API token for an account',
    "load_demo": "load the demo data through every plugin's hook",
    "login": 'sign a test client in',
    "municipality_by_slug": 'a municipality by slug, or None',
    "pdf_text": 'the text of a PDF, page by page',
    "render_report": 'render a report kind to PDF bytes',
    "rows_from_cells": "a section's rows read from a spreadsheet's header and cells, as an upload reads them",
    "section_to_table": "a section of a document as the table a download holds (header, rows)",
    "revision_snapshot": 'the document a revision kept',
    "set_plugin_enabled": 'switch a plugin on or off for a municipality',
    "upgrade": 'apply every migration',
    "cli_environment": "environment for a socialplan process on a copy of a migrated SQLite database",
    "run_cli": "socialplan with arguments as a real process, its output as text",
    "without_revision_numbers": "report text with the printed revision's number masked",
    "without_uids": "a plan document without its rows' uids",
}

__all__ = [
    "DEMO_ADMIN",
    "DEMO_PASSWORD",
    "PART",
    "AnnualPlan",
    "AuditEvent",
    "BudgetLine",
    "DocumentError",
    "Municipality",
    "PlanRevision",
    "Provider",
    "RevisionPart",
    "Service",
    "User",
    "alembic_config",
    "check_schema",
    "cli_environment",
    "create_municipality",
    "create_plugin_manager",
    "create_user",
    "get_registry",
    "get_session",
    "issue_api_token",
    "load_demo",
    "login",
    "municipality_by_slug",
    "pdf_text",
    "render_report",
    "revision_snapshot",
    "rows_from_cells",
    "run_cli",
    "section_to_table",
    "set_plugin_enabled",
    "upgrade",
    "without_revision_numbers",
    "without_uids",
]
