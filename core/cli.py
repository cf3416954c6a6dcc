"""The ``socialplan`` command: a Flask CLI group.

Every failure the user can cause prints one sentence to stderr and exits non-zero; a traceback
means a bug.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import wraps
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, pass_script_info, with_appcontext
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError

from core.app import ConfigurationError, create_app
from core.db import get_session
from core.i18n import LOCALES
from core.interchange import DocumentError, check_schema
from core.limits import DB_INTEGER_MAX, YEAR_MAX, YEAR_MIN
from core.models import AnnualPlan, Municipality
from core.plugin_manager import PluginConflict, Registry, get_registry
from core.text import clean_text, load_json


class CLIError(click.ClickException):
    """One sentence for the user; exit code 1."""

    def show(self, file=None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


class WholeNumber(click.ParamType):
    """A whole number argument, written plainly (2026, 4) whatever the language: the command line is
    read canonically, like the plan JSON. A wrong one is the command's one-sentence error, exit 1.

    It lies from ``low`` to ``high``: by default what the database's INTEGER columns hold, so that no
    number reaches a query it overflows (``--year 100000000000000000000``)."""

    name = "integer"

    def __init__(self, low: int = -DB_INTEGER_MAX, high: int = DB_INTEGER_MAX) -> None:
        self.low, self.high = low, high

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        option = param.opts[0] if param is not None and param.opts else "This option"
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif re.fullmatch(r"-?[0-9]{1,30}", text := str(value).strip()):
            number = int(text)
        else:
            raise CLIError(f"{option} takes a whole number written in digits, such as 2026, not '{str(value)[:40]}'.")
        if not self.low <= number <= self.high:
            raise CLIError(f"{option} must be from {self.low} to {self.high}, not {str(value)[:40]}.")
        return number


class Text(click.ParamType):
    """Text given on the command line (an e-mail address, a token's name), kept as the product keeps every
    text (:func:`core.text.clean_text`: no control characters, NFC)."""

    name = "text"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        return clean_text(str(value))


WHOLE_NUMBER = WholeNumber()
TEXT = Text()
YEAR = WholeNumber(YEAR_MIN, YEAR_MAX)  # the years plans are made for
JOBS = WholeNumber(1, 64)


def _registry() -> Registry:
    return get_registry()


def municipality_named(slug: str) -> Municipality:
    """The municipality with this slug, or the command's one-sentence error (plugins' commands use it too)."""
    from core.services.accounts import municipality_by_slug

    municipality = municipality_by_slug(get_session(), slug)
    if municipality is None:
        raise CLIError(f"There is no municipality '{slug}'.")
    return municipality


def _check_locale(lang: str) -> None:
    if lang not in LOCALES:
        raise CLIError(f"There is no catalog for language '{lang}'; choose one of {', '.join(LOCALES)}.")


def database_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn 'database unreachable' into one sentence instead of a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (OperationalError, ProgrammingError) as error:
            url = current_app.config["DATABASE_URL"]
            safe_url = url.split("@")[-1] if "@" in url else url
            if _schema_missing():  # "no such table" on SQLite, UndefinedTable on PostgreSQL
                raise CLIError(f"The database at {safe_url} has no tables yet: run 'socialplan db upgrade' "
                               "first.") from None
            if isinstance(error, ProgrammingError):
                raise
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise CLIError(f"Cannot reach the database at {safe_url}: {reason}") from None

    return wrapper


def _schema_missing() -> bool:
    """Whether the database answers but holds no schema (never upgraded); False when it does not answer."""
    from core.migrate import applied_revisions

    get_session().rollback()  # PostgreSQL: the failed statement aborted the session's transaction
    try:
        return not applied_revisions()
    except SQLAlchemyError:
        return False


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False, load_dotenv=False)
def cli() -> None:
    """socialplan: plan municipal social services."""


# --- database and demo -------------------------------------------------------------------------


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@with_appcontext
@database_errors
def db_upgrade() -> None:
    """Apply every migration of core and the installed plugins."""
    from core.migrate import applied_revisions, upgrade

    before = applied_revisions()
    upgrade()
    if not before:
        click.echo("Created the database schema.")
    elif applied_revisions() != before:
        click.echo("Upgraded the database schema.")
    else:
        click.echo("Database is up to date.")


@cli.group()
def demo() -> None:
    """Demo data."""


@demo.command("load")
@with_appcontext
@database_errors
def demo_load() -> None:
    """Load the demo municipalities, accounts and plans (idempotent)."""
    from core.demo import DEMO_PASSWORD, load_demo

    accounts = load_demo(get_session(), _registry())
    click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for account in accounts:
        click.echo(f"  {account.email:<36} {account.role:<8} {account.municipality or '(all municipalities)'}")


@cli.command("serve", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=WHOLE_NUMBER)
@click.option("--workers", default=2, show_default=True, type=WHOLE_NUMBER)
@pass_script_info
def serve(info: ScriptInfo, host: str, port: int, workers: int) -> None:
    """Serve the web application with a production WSGI server."""
    from core.wsgi_server import PortUnavailable, run

    if not 1 <= port <= 65535:
        raise CLIError(f"--port must be between 1 and 65535, not {port}.")
    if not 1 <= workers <= 64:
        raise CLIError(f"--workers must be between 1 and 64, not {workers}.")
    # No app context around the server (AppGroup adds one unless told not to): workers would inherit it and
    # every request would share its ``g``, i.e. the first request's signed-in user and CSRF token.
    app = info.load_app()
    address = f"[{host}]" if ":" in host else host
    try:
        # Said once the port listens, not before: whoever waits for the line can connect at once.
        run(app, host, port, workers, on_ready=lambda: click.echo(f"socialplan is serving on http://{address}:{port}/"))
    except PortUnavailable as error:
        raise CLIError(str(error)) from None


# --- plugins -----------------------------------------------------------------------------------


@cli.group()
def plugins() -> None:
    """Plugins and the municipalities that enable them."""


@plugins.command("list")
@with_appcontext
@database_errors
def plugins_list() -> None:
    registry = _registry()
    municipalities = get_session().scalars(select(Municipality).order_by(Municipality.slug)).all()
    for name in registry.plugin_names:
        kinds = ", ".join(code for code, (plugin, _) in registry.plan_kinds.items() if plugin == name)
        enabled = ", ".join(m.slug for m in municipalities if name in m.enabled_plugins) or "-"
        click.echo(f"{name}: plan kinds [{kinds}]; enabled for: {enabled}")


def _toggle(plugin: str, municipality: str, enabled: bool) -> None:
    from core.services.accounts import AccountError, set_plugin_enabled

    session = get_session()
    target = municipality_named(municipality)
    try:
        set_plugin_enabled(session, _registry(), target, plugin, enabled)
    except AccountError as error:
        raise CLIError(str(error)) from None
    session.commit()
    click.echo(f"Plugin '{plugin}' is {'enabled' if enabled else 'disabled'} for {municipality}.")


@plugins.command("enable")
@click.argument("plugin")
@click.option("--municipality", required=True)
@with_appcontext
@database_errors
def plugins_enable(plugin: str, municipality: str) -> None:
    _toggle(plugin, municipality, True)


@plugins.command("disable")
@click.argument("plugin")
@click.option("--municipality", required=True)
@with_appcontext
@database_errors
def plugins_disable(plugin: str, municipality: str) -> None:
    _toggle(plugin, municipality, False)


# --- reports -----------------------------------------------------------------------------------


@cli.group()
def report() -> None:
    """PDF reports."""


@report.command("list")
@click.option("--municipality")
@with_appcontext
@database_errors
def report_list(municipality: str | None) -> None:
    """The report kinds, with the plans they can render."""
    registry = _registry()
    session = get_session()
    query = select(AnnualPlan).join(Municipality).order_by(Municipality.slug, AnnualPlan.year)
    if municipality:
        query = query.where(AnnualPlan.municipality_id == municipality_named(municipality).id)
    plans = session.scalars(query).all()
    for code, (plugin, kind) in sorted(registry.report_kinds.items()):
        with force_locale("en"):
            click.echo(f"{code} ({plugin}): {kind.name}")
        for plan in plans:
            if plan.kind == kind.plan_kind and plugin in plan.municipality.enabled_plugins:
                click.echo(f"  --municipality {plan.municipality.slug} --year {plan.year} --kind {code}")


def _plan_for_report(registry: Registry, municipality: Municipality, year: int, kind: str) -> AnnualPlan:
    report_kind = registry.report_kind(kind)
    if report_kind is None or registry.plugin_of_report_kind(kind) not in municipality.enabled_plugins:
        raise CLIError(f"There is no report kind '{kind}' for {municipality.slug}.")
    from core.services.plans import find_plan

    plan = find_plan(get_session(), municipality, year, report_kind.plan_kind)
    if plan is None:
        raise CLIError(f"{municipality.slug} has no {report_kind.plan_kind} plan for {year}.")
    return plan


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (through a partial file renamed over it); a device or a
    pipe (/dev/stdout) is written as it is, never replaced. Refused in one sentence (a folder that cannot be
    made, no permission, a full disk)."""
    partial = path.with_name(path.name + ".partial")
    try:
        if path.exists() and not path.is_file():
            with path.open("wb") as out:
                out.write(data)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as error:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise CLIError(f"Cannot write {path}: {error.strerror or error}.") from None


@report.command("render")
@click.option("--municipality")
@click.option("--all", "all_municipalities", is_flag=True, help="Render every municipality's plan.")
@click.option("--year", required=True, type=YEAR)
@click.option("--kind", required=True)
@click.option("--lang", required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--jobs", type=JOBS, default=None, help="Processes for --all, 1 to 64 (default: one per core).")
@click.option("--adopted", is_flag=True, help="Print the revision the council adopted, not the working revision.")
@with_appcontext
@database_errors
def report_render(municipality, all_municipalities, year, kind, lang, out, out_dir, jobs, adopted) -> None:
    """Render one plan's report to a PDF file, or every municipality's with --all."""
    from core.reports import render_report

    _check_locale(lang)
    if all_municipalities:
        if out_dir is None:
            raise CLIError("--all needs --out-dir.")
        _render_all(year, kind, lang, out_dir, jobs)
        return
    if not municipality or out is None:
        raise CLIError("Name a --municipality and an --out file, or use --all with --out-dir.")
    target = municipality_named(municipality)
    plan = _plan_for_report(_registry(), target, year, kind)
    if adopted and plan.adopted_revision is None:
        raise CLIError(f"The {year} plan of {municipality} has no adopted revision yet.")
    pdf = render_report(get_session(), plan, kind, lang, revision=plan.adopted_revision if adopted else None)
    _write_atomically(out, pdf)
    click.echo(f"Wrote {out} ({len(pdf):,} bytes).")


def _render_worker(args: tuple[str, int, str, str, str]) -> str | None:
    """Runs in a pool process: one app per process, one PDF per call; returns the failure, if any."""
    from core.reports import render_report

    slug, year, kind, lang, out_dir = args
    app = _worker_app()
    with app.app_context():
        session = get_session()
        try:
            plan = _plan_for_report(get_registry(), municipality_named(slug), year, kind)
        except click.ClickException as error:
            return f"{slug}: {error.format_message()}"
        _write_atomically(Path(out_dir) / f"{slug}-{year}-{kind}-{lang}.pdf", render_report(session, plan, kind, lang))
    return None


def _init_worker() -> None:
    """The app once per pool process, then gc.freeze(): the collector stops re-scanning the app's
    long-lived objects (the registry, catalogs, fonts) during every render."""
    import gc

    _worker_app()
    gc.freeze()


_WORKER_APP = None


def _worker_app():
    global _WORKER_APP
    if _WORKER_APP is None:
        _WORKER_APP = create_app()
    return _WORKER_APP


def _render_all(year: int, kind: str, lang: str, out_dir: Path, jobs: int | None) -> None:
    registry = _registry()
    report_kind = registry.report_kind(kind)
    if report_kind is None:
        raise CLIError(f"There is no report kind '{kind}'.")
    slugs = get_session().scalars(
        select(Municipality.slug).join(AnnualPlan).where(AnnualPlan.year == year,
                                                         AnnualPlan.kind == report_kind.plan_kind)
        .order_by(Municipality.slug)
    ).all()
    if not slugs:
        raise CLIError(f"No municipality has a {report_kind.plan_kind} plan for {year}.")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CLIError(f"Cannot make the folder {out_dir}: {error.strerror or error}.") from None
    tasks = [(slug, year, kind, lang, str(out_dir)) for slug in slugs]
    failures = []
    workers = jobs or os.cpu_count() or 1
    # Tasks go out in chunks (one message per chunk, not per report), small enough to keep the bar moving.
    chunk = max(1, min(16, len(tasks) // (workers * 8)))
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool, click.progressbar(
            length=len(tasks), label="Rendering", file=sys.stderr) as bar:
        for failure in pool.map(_render_worker, tasks, chunksize=chunk):
            if failure:
                failures.append(failure)
            bar.update(1)
    if failures:
        raise CLIError(f"{len(failures)} of {len(tasks)} reports failed, first: {failures[0]}")
    click.echo(f"Wrote {len(tasks)} reports to {out_dir}.")


# --- plans -------------------------------------------------------------------------------------


@cli.group()
def plan() -> None:
    """Plans in the JSON interchange format (core/schemas/plan-v1.schema.json)."""


@plan.command("export")
@click.option("--municipality", required=True)
@click.option("--year", required=True, type=YEAR)
@click.option("--kind", required=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--include-personal-data", is_flag=True,
              help="Also write personal-level data (the Swedish answer counts of small groups), for a migration "
                   "between deployments; the file is marked as holding it. Keep it as you keep the database.")
@with_appcontext
@database_errors
def plan_export(municipality: str, year: int, kind: str, out: Path, include_personal_data: bool) -> None:
    from core.services.plans import document_of, find_plan

    registry = _registry()
    target = municipality_named(municipality)
    if registry.plan_kind(kind) is None or registry.plugin_of_plan_kind(kind) not in target.enabled_plugins:
        raise CLIError(f"There is no plan kind '{kind}' for {municipality}.")
    found = find_plan(get_session(), target, year, kind)
    if found is None:
        raise CLIError(f"{municipality} has no {kind} plan for {year}.")
    document = document_of(get_session(), registry, found, personal_data=include_personal_data)
    _write_atomically(out, (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    click.echo(f"Wrote {out}." + (" It holds personal-level data: keep it as safely as the database itself."
                                  if include_personal_data else ""))


def read_document(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CLIError(f"Cannot read {path}: {error.strerror}.") from None
    except UnicodeDecodeError:
        raise CLIError(f"{path} is not UTF-8 text.") from None
    try:
        document = load_json(text)
    except json.JSONDecodeError as error:
        raise CLIError(f"{path} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.") from None
    except ValueError as error:  # nested too deeply, NaN, a number beyond any column (1e309)
        raise CLIError(f"{path} cannot be read: {error}.") from None
    if not isinstance(document, dict):
        raise CLIError(f"{path} does not follow the plan format: it is not a JSON object.")
    try:
        check_schema(document)
    except DocumentError as error:
        raise CLIError(f"{path} does not follow the plan format at {error.path}: {error.reason}.") from None
    return document


@plan.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as-new-revision", is_flag=True,
              help="Add the document to a plan the council adopted as a new working revision (a draft).")
@with_appcontext
@database_errors
def plan_import(file: Path, as_new_revision: bool) -> None:
    """Create or replace the plan the file describes; nothing is written when it is refused.

    A plan the council adopted is never replaced: use --as-new-revision to add the document as a new
    working revision, leaving the adopted one in force."""
    from core.services.imports import ImportRefused, import_plan
    from core.services.plans import AdoptedPlanError, PlanError

    document = read_document(file)
    session = get_session()
    try:
        found = import_plan(session, _registry(), document, None, as_new_revision)
    except (DocumentError, ImportRefused) as error:
        session.rollback()
        raise CLIError(f"{file} was refused at {error.path}: {error.reason}.") from None
    except AdoptedPlanError:
        session.rollback()
        raise CLIError(f"{file} was refused: the {document['year']} plan was adopted by the council and an import "
                       "does not replace it; add --as-new-revision to import it as a new working revision.") from None
    except PlanError as error:
        session.rollback()
        raise CLIError(f"{file} was refused: {error}") from None
    except SQLAlchemyError:
        session.rollback()
        raise
    session.commit()
    click.echo(f"Imported the {found.kind} plan of {found.municipality.slug} for {found.year}.")


# --- backup and restore ------------------------------------------------------------------------


@cli.command("backup")
@click.option("--out", required=True, type=click.Path(path_type=Path), help="The archive to write (a zip).")
@click.option("--include-secrets", is_flag=True,
              help="Also keep password and API token hashes, so that accounts sign in as before after a restore.")
@with_appcontext
@database_errors
def backup_command(out: Path, include_secrets: bool) -> None:
    """Write everything this deployment holds to one archive; nothing is written when it fails."""
    from core.services.backup import BackupError, write_backup

    session = get_session()
    try:
        manifest = write_backup(session, _registry(), out, include_secrets=include_secrets)
    except BackupError as error:
        raise CLIError(str(error)) from None
    finally:
        session.rollback()  # it only read: end its snapshot
    counts = manifest["counts"]
    click.echo(f"Wrote {out}: {counts.get('municipality', 0)} municipalities, {counts.get('user_account', 0)} users, "
               f"{counts.get('annual_plan', 0)} plans with {counts.get('plan_revision', 0)} revisions, and the "
               "plugins' data.")
    click.echo("It holds personal data (accounts' e-mail addresses, who did what, individual answers): keep it "
               "as safely as the database itself.")
    if not include_secrets:
        click.echo("Password hashes are not in it: after a restore, every account needs a new password "
                   "(socialplan user password --email E).")


@cli.command("restore")
@click.argument("file", type=click.Path(path_type=Path))
@with_appcontext
@database_errors
def restore_command(file: Path) -> None:
    """Rebuild the deployment FILE holds into this empty database: all of it, or nothing."""
    from core.services.backup import BackupError, restore_backup

    session = get_session()
    try:
        summary = restore_backup(session, _registry(), file)
    except BackupError as error:
        session.rollback()
        raise CLIError(str(error)) from None
    except SQLAlchemyError:
        session.rollback()
        raise
    session.commit()
    counts = summary.counts
    click.echo(f"Restored {counts.get('municipality', 0)} municipalities, {counts.get('user_account', 0)} users, "
               f"{counts.get('annual_plan', 0)} plans with {counts.get('plan_revision', 0)} revisions, and the "
               f"plugins' data from {file}.")
    if summary.without_password:
        click.echo(f"{len(summary.without_password)} accounts have no password (the archive holds no hashes) and "
                   "cannot sign in until each is given a new one: socialplan user password --email E.")
        for email in summary.without_password:
            click.echo(f"  {email}")


# --- users -------------------------------------------------------------------------------------


@cli.group()
def user() -> None:
    """User accounts."""


@user.command("create")
@click.option("--email", required=True, type=TEXT)
@click.option("--role", required=True, type=click.Choice(["admin", "planner", "viewer"]))
@click.option("--municipality")
@with_appcontext
@database_errors
def user_create(email: str, role: str, municipality: str | None) -> None:
    """Create an account; the password is read from standard input."""
    from core.services.accounts import AccountError, create_user

    password = sys.stdin.readline().rstrip("\n")
    session = get_session()
    target = municipality_named(municipality) if municipality else None
    try:
        create_user(session, email, password, role, target)
    except AccountError as error:
        raise CLIError(str(error)) from None
    session.commit()
    click.echo(f"Created {role} {email.strip().lower()}.")


@user.command("password")
@click.option("--email", required=True, type=TEXT)
@with_appcontext
@database_errors
def user_password(email: str) -> None:
    """Give an account a new password, read from standard input (e.g. after a restore without secrets)."""
    from core.models import User
    from core.services.accounts import MIN_PASSWORD_LENGTH, hash_password
    from core.services.audit import actor, record

    password = sys.stdin.readline().rstrip("\n")
    session = get_session()
    account = session.scalar(select(User).where(User.email == email.strip().lower()))
    if account is None:
        raise CLIError(f"There is no account '{email}'.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise CLIError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    account.password_hash = hash_password(password)
    record(session, user=actor(), municipality=account.municipality_id, action="account.password-changed",
           subject=f"user:{account.id}")
    from core.services.credentials import end_sessions

    end_sessions(account)  # a new password ends every signed-in session of the account
    session.commit()
    click.echo(f"Set a new password for {account.email}.")


def _account(email: str):
    from core.models import User

    account = get_session().scalar(select(User).where(User.email == email.strip().lower()))
    if account is None:
        raise CLIError(f"There is no account '{email}'.")
    return account


@user.group("token")
def user_token() -> None:
    """API tokens: issue one (printed once, only its digest is stored), list them, revoke one."""


@user_token.command("create")
@click.option("--email", required=True, type=TEXT)
@click.option("--name", default="", type=TEXT, help="What the token is for.")
@click.option("--role", type=click.Choice(["admin", "planner", "viewer"]),
              help="Never more than the account's role (default: the account's).")
@click.option("--municipality", help="For a planner's or viewer's token (default: the account's).")
@click.option("--days", type=WHOLE_NUMBER, default=90, show_default=True,
              help="Days until the token expires (1 to 366).")
@with_appcontext
@database_errors
def user_token_create(email: str, name: str, role: str | None, municipality: str | None, days: int) -> None:
    """Issue a token within the account's rights and print it."""
    from core.services.credentials import CredentialError, issue_token

    session = get_session()
    account = _account(email)
    target = municipality_named(municipality) if municipality else None
    if role is None and target is not None:  # an administrator's token for one municipality plans there
        role = "planner" if account.role == "admin" else account.role
    if role is not None and role != "admin" and target is None and account.municipality is not None:
        target = account.municipality
    try:
        _token, secret = issue_token(session, account, role=role, municipality=target, name=name, days=days)
    except CredentialError as error:
        raise CLIError(str(error)) from None
    session.commit()
    click.echo(secret)


@user_token.command("list")
@click.option("--email", type=TEXT, help="Only this account's tokens.")
@with_appcontext
@database_errors
def user_token_list(email: str | None) -> None:
    """Every token (never its secret): id, account, name, scope, expiry, state and last use."""
    from core.services.credentials import token_state, tokens

    for token in tokens(get_session(), _account(email) if email else None):
        scope = f"{token.role}@{token.municipality.slug if token.municipality else '*'}"
        used = token.last_used_at.isoformat(" ", "minutes") if token.last_used_at else "never used"
        click.echo(f"{token.id}\t{token.user.email}\t{token.name or '-'}\t{scope}\t"
                   f"expires {token.expires_at.isoformat(' ', 'minutes')}\t{token_state(token)}\t{used}")


@user_token.command("revoke")
@click.argument("token_id", type=WHOLE_NUMBER)
@with_appcontext
@database_errors
def user_token_revoke(token_id: int) -> None:
    """Revoke a token (by the id `user token list` shows): it is refused from the next call on."""
    from core.models import ApiToken
    from core.services.credentials import revoke_token

    session = get_session()
    token = session.get(ApiToken, token_id)
    if token is None:
        raise CLIError(f"There is no API token {token_id}.")
    if not revoke_token(session, token):
        raise CLIError(f"The API token {token_id} was revoked already.")
    session.commit()
    click.echo(f"Revoked the API token {token_id} of {token.user.email}.")


def main() -> None:
    # Plugins' commands are on the app's own CLI group (create_app adds them), which FlaskGroup
    # consults for any name it does not know: no second plugin manager here.
    try:
        cli.main(prog_name="socialplan", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.UsageError as error:
        # One sentence, not click's usage block: "Invalid value for '--year': 'twenty' is not ...".
        click.echo(f"Error: {error.format_message()}", err=True)
        sys.exit(error.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except (ConfigurationError, PluginConflict) as error:
        click.echo(f"Error: {error}.", err=True)
        sys.exit(1)
    except OperationalError as error:
        click.echo(f"Error: cannot reach the database: {str(error.orig).strip().splitlines()[0]}.", err=True)
        sys.exit(1)
