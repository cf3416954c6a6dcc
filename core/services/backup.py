"""Backup and restore of a whole deployment: one versioned zip archive, restored into an empty database.

An archive holds

- ``manifest.json``: the format and its version, the socialplan version and database schema (Alembic
  heads) that wrote it, when, how many rows of each kind it holds, whether it holds personal data
  and secrets, and the sha256 of every other member;
- ``core/<table>.jsonl``: every core table that plan documents do not rebuild: municipalities and
  their plugins, providers, users, plan headers, workflow steps, audit events,
  and any table core gains later;
- ``plans/<slug>/<year>-<kind>.json``: each plan's revisions, every one's whole snapshot document
  with its number, author's e-mail, time and action (plugins' extension blocks once each, by their
  digest, under ``parts``), and the current document only when the latest snapshot is not the plan
  as it is;
- ``plugins/<plugin>/<slug>.json``: each plugin's own data about a municipality (its hook
  ``socialplan_backup_municipality``), with its tables as members ``plugins/<plugin>/<slug>/<table>.jsonl``.

A table member is JSON lines: a head ``{"table", "columns"}``, then one JSON array per row. Rows are
not named by their database ids, which a restore cannot keep: a row's reference is its place in its
member (1, 2, ...) and a foreign key holds the reference of the row it points to, so the backup of a
restored deployment equals the backup it was restored from.

Password and token hashes stay out unless asked for (``include_secrets``); restored accounts without
one get a password nobody can type. The checksums find a damaged or edited archive; they are no
signature against someone who rewrites the manifest too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Table, func, insert, inspect, select, text, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from core.db import Base
from core.interchange import FORMAT as PLAN_FORMAT
from core.interchange import ROW_MODELS, DocumentError, apply_document, check_schema, export_plan
from core.interchange import VERSION as PLAN_VERSION
from core.models import AnnualPlan, BudgetLine, Municipality, PlanRevision, SectionText, User, utcnow
from core.plugin_manager import Registry
from core.services.plans import PART, _kept, revision_snapshot

FORMAT = "socialplan.backup"
VERSION = 1
MANIFEST = "manifest.json"
# What a restored account without its hash gets: werkzeug reads it as no password at all.
UNUSABLE_PASSWORD = "!restored-without-password"
CHUNK = 5000
# Core tables with personal data (e-mail addresses, who did what); plugins name their own.
CORE_PERSONAL_DATA = ("user_account", "plan_revision", "plan_step", "audit_event")
# The parts of a plan document a restore writes back (apply_document), compared to the current plan.
CONTENT_KEYS = ("status", "title", "council_decision", "facts", "sections")


class BackupError(Exception):
    """One sentence for the operator: why an archive cannot be written or restored."""


@dataclass
class TableDump:
    """One table's rows as an archive keeps them: ``columns`` by name and each row a list of JSON-able
    values in that order. A row's reference is its place in ``rows`` (from 1); a foreign key holds the
    reference of the row it points to. ``rows`` may be lazy and is read once."""

    table: str
    columns: list[str]
    rows: Iterable[list[Any]]


@dataclass
class RestoreSummary:
    counts: dict[str, int]
    without_password: list[str]


# --- tables, generically -----------------------------------------------------------------------


def _has_own_id(table: Table) -> bool:
    """Rows numbered by the database (an integer ``id`` key), which the archive replaces by references."""
    keys = list(table.primary_key.columns)
    return len(keys) == 1 and keys[0].name == "id" and _kind(keys[0]) is int


def _kind(column: Column) -> type | None:
    try:
        return column.type.python_type
    except NotImplementedError:
        return None


def _targets(table: Table, references: dict[str, str] | None) -> dict[str, str]:
    """The table each referencing column points to: its foreign key's, or ``references``' for columns
    that have none (the Swedish answers keep their keys without constraints)."""
    targets = {column.name: next(iter(column.foreign_keys)).column.table.name
               for column in table.columns if column.foreign_keys}
    return {**targets, **(references or {})}


def _referenced(table: Table, targets: dict[str, str]) -> bool:
    """Whether any row points at rows of ``table``, so that their references must be kept."""
    return table.name in targets.values() or any(
        fk.column.table is table for other in Base.metadata.tables.values() for fk in other.foreign_keys)


def _encoder(column: Column, target: str | None, id_map: dict[str, dict[int, int]]) -> Callable[[Any], Any] | None:
    """How a column's value is written, or None when it is written as it is read."""
    if target is not None:
        def reference(value: Any) -> Any:
            if value is None:
                return None
            try:
                return id_map[target][value]
            except KeyError:
                raise BackupError(f"A row of {column.table.name} points to row {value} of {target}, "
                                  "which the backup does not hold.") from None
        return reference
    kind = _kind(column)
    if kind in (dt.date, dt.datetime):
        return lambda value: None if value is None else value.isoformat()
    if kind is Decimal:
        return lambda value: None if value is None else str(value)
    return None


def dump_table(session: Session, table: Table, where: ColumnElement[bool] | None,
               id_map: dict[str, dict[int, int]], references: dict[str, str] | None = None,
               exclude: Iterable[str] = ()) -> TableDump:
    """The rows of ``table`` that ``where`` selects (all when None), in key order, read as they are
    written. ``id_map`` (table name -> {database id: reference}) translates foreign keys, and gets this
    table's references when other rows point at it; ``references`` names the target table of columns
    without a foreign key; ``exclude`` leaves columns out."""
    targets = _targets(table, references)
    missing = sorted({t for t in targets.values() if t != table.name and t not in id_map})
    if missing:
        raise BackupError(f"The table {table.name} points to {missing[0]}, which the backup has not written.")
    own_id = _has_own_id(table)
    excluded = set(exclude)
    columns = [c for c in table.columns if not (own_id and c.name == "id") and c.name not in excluded]
    order = list(table.primary_key.columns)
    if own_id and _referenced(table, targets):
        ids = select(table.c.id).order_by(table.c.id)
        ids = ids if where is None else ids.where(where)
        id_map[table.name] = {row_id: ref for ref, row_id in enumerate(session.scalars(ids), 1)}
    encoders = [(i, encode) for i, c in enumerate(columns) if (encode := _encoder(c, targets.get(c.name), id_map))]
    query = select(*columns).order_by(*order)
    query = query if where is None else query.where(where)

    def rows() -> Iterator[list[Any]]:
        for row in session.execute(query, execution_options={"yield_per": CHUNK}):
            values = list(row)
            for index, encode in encoders:
                values[index] = encode(values[index])
            yield values

    return TableDump(table.name, [c.name for c in columns], rows())


def _decoder(column: Column, target: str | None, id_map: dict[str, dict[int, int]]) -> Callable[[Any], Any]:
    """Reads one archived value back into the column's Python type; raises ValueError saying why not."""
    kind = _kind(column)
    length = getattr(column.type, "length", None)

    def read(value: Any) -> Any:
        if value is None:
            if not column.nullable:
                raise ValueError("a value is required")
            return None
        if target is not None:
            if isinstance(value, bool) or not isinstance(value, int) or value not in id_map.get(target, {}):
                raise ValueError(f"{value!r} is not a row of {target} in the archive")
            return id_map[target][value]
        if kind is dt.datetime:
            return dt.datetime.fromisoformat(value)
        if kind is dt.date:
            return dt.date.fromisoformat(value)
        if kind is Decimal:
            try:
                number = Decimal(value) if isinstance(value, str) else None
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite():
                raise ValueError(f"{value!r} is not a number written as text")
            return number
        if kind in (int, bool, str) and (type(value) is not kind):
            raise ValueError(f"{value!r} is not of the column's type")
        if kind is str and length is not None and len(value) > length:
            # SQLite does not enforce VARCHAR lengths; PostgreSQL does: refuse on both alike.
            raise ValueError(f"{len(value)} characters where at most {length} fit")
        return value

    return read


def load_table(session: Session, table: Table, dump: TableDump, id_map: dict[str, dict[int, int]],
               references: dict[str, str] | None = None, defaults: dict[str, Any] | None = None) -> int:
    """Insert the rows of ``dump`` into ``table``: references translated through ``id_map`` (table name ->
    {reference: new id}), which gets this table's own; ``defaults`` fill columns the archive left out.
    Returns the number of rows; raises :class:`BackupError` for a row that cannot be read."""
    if dump.table != table.name:
        raise BackupError(f"The archive holds table {dump.table} where {table.name} was expected.")
    own_id = _has_own_id(table)
    known = {c.name: c for c in table.columns if not (own_id and c.name == "id")}
    unknown = [name for name in dump.columns if name not in known]
    if unknown or len(set(dump.columns)) != len(dump.columns):
        raise BackupError(f"The archive's table {table.name} has a column '{(unknown or dump.columns)[0]}' "
                          "this database does not have.")
    targets = _targets(table, references)
    columns = [known[name] for name in dump.columns]
    decoders = [_decoder(c, targets.get(c.name), id_map) for c in columns]
    own_refs = {i for i, c in enumerate(columns) if targets.get(c.name) == table.name}
    filled = {name: value for name, value in (defaults or {}).items() if name not in dump.columns}
    keep_ids = own_id and _referenced(table, targets)
    new_ids: dict[int, int] = {}
    later: list[tuple[int, str, Any]] = []  # rows pointing at rows of their own table, once all have ids
    batch: list[dict[str, Any]] = []
    count = 0
    for count, row in enumerate(dump.rows, 1):
        batch.append(_read_row(table, columns, decoders, own_refs, filled, row, count, later))
        if len(batch) == CHUNK:
            _insert(session, table, batch, keep_ids, new_ids)
    _insert(session, table, batch, keep_ids, new_ids)
    if keep_ids:
        id_map[table.name] = new_ids
    for ref, name, parent in later:
        if parent not in new_ids:
            raise BackupError(f"Row {ref} of {table.name} in the archive points to a row it does not hold.")
        session.execute(update(table).where(table.c.id == new_ids[ref]).values({name: new_ids[parent]}))
    return count


def _read_row(table: Table, columns: list[Column], decoders: list[Callable[[Any], Any]], own_refs: set[int],
              filled: dict[str, Any], row: Any, number: int, later: list[tuple[int, str, Any]]) -> dict[str, Any]:
    if not isinstance(row, list) or len(row) != len(columns):
        raise BackupError(f"Row {number} of {table.name} in the archive is malformed.")
    values = dict(filled)
    for index, (column, read, value) in enumerate(zip(columns, decoders, row, strict=True)):
        if index in own_refs and value is not None:
            later.append((number, column.name, value))
            value = None
        try:
            values[column.name] = read(value)
        except (ValueError, TypeError) as error:
            raise BackupError(f"Row {number} of {table.name} in the archive is malformed: {column.name}: "
                              f"{error}.") from None
    return values


def _insert(session: Session, table: Table, batch: list[dict[str, Any]], keep_ids: bool,
            new_ids: dict[int, int]) -> None:
    if not batch:
        return
    if keep_ids:
        ids = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), batch).scalars()
        new_ids.update(enumerate(ids, len(new_ids) + 1))
    else:
        session.execute(insert(table), batch)
    batch.clear()


def core_tables() -> list[Table]:
    """Core's tables a backup writes as they are, in an order that writes a row's targets before it: every
    table of core's models except the plan rows (rebuilt from documents) and the revisions (kept whole)."""
    core = {mapper.local_table for mapper in Base.registry.mappers if mapper.class_.__module__.startswith("core.")}
    rebuilt = {model.__table__ for model, _ in ROW_MODELS.values()} | {BudgetLine.__table__, SectionText.__table__}
    special = {PlanRevision.__table__, Base.metadata.tables["plan_revision_part"]}
    return [t for t in Base.metadata.sorted_tables if t in core and t not in rebuilt | special]


def _is_secret(column: Column) -> bool:
    return column.name.endswith(("hash", "secret"))


# --- writing -----------------------------------------------------------------------------------


class _Writer:
    """Writes members into the zip, each hashed and counted as it streams."""

    def __init__(self, archive: zipfile.ZipFile, when: dt.datetime) -> None:
        self.archive = archive
        self.when = when.timetuple()[:6]
        self.members: dict[str, dict[str, Any]] = {}
        self.counts: dict[str, int] = {}

    def _write(self, name: str, chunks: Iterable[str]) -> None:
        info = zipfile.ZipInfo(name, self.when)
        info.compress_type = zipfile.ZIP_DEFLATED
        digest, size, buffer = hashlib.sha256(), 0, []
        with self.archive.open(info, "w", force_zip64=True) as member:
            for chunk in chunks:
                buffer.append(chunk)
                if len(buffer) >= 512:
                    size += self._flush(member, digest, buffer)
            size += self._flush(member, digest, buffer)
        if name != MANIFEST:
            self.members[name] = {"sha256": digest.hexdigest(), "size": size}

    @staticmethod
    def _flush(member: Any, digest: Any, buffer: list[str]) -> int:
        data = "".join(buffer).encode("utf-8")
        buffer.clear()
        digest.update(data)
        member.write(data)
        return len(data)

    def manifest(self, manifest: dict[str, Any]) -> None:
        """The manifest, last: it lists every other member with its checksum."""
        self._write(MANIFEST, [json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"])

    def json(self, name: str, value: Any, default: Callable[[Any], Any] | None = None) -> None:
        self._write(name, [json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=default)])

    def table(self, name: str, dump: TableDump, count_key: str) -> None:
        self.counts.setdefault(count_key, 0)

        def lines() -> Iterator[str]:
            yield _line({"table": dump.table, "columns": dump.columns})
            for row in dump.rows:
                self.counts[count_key] += 1
                yield _line(row)

        self._write(name, lines())

    def plugin(self, plugin: str, slug: str, data: dict[str, Any]) -> None:
        """The plugin's answer as one member, each TableDump in it as a member of its own."""
        tables: list[tuple[str, TableDump]] = []

        def placeholder(value: Any) -> Any:
            if not isinstance(value, TableDump):
                raise TypeError(f"plugin '{plugin}' returned a {type(value).__name__}, which JSON cannot hold")
            tables.append((f"plugins/{plugin}/{slug}/{value.table}.jsonl", value))
            return {"$table": tables[-1][0]}

        self.json(f"plugins/{plugin}/{slug}.json", data, default=placeholder)
        for name, dump in tables:
            self.table(name, dump, f"{plugin}.{dump.table}")


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _line(value: Any) -> str:
    return _ENCODE(value) + "\n"


def _version() -> str:
    try:
        return metadata.version("socialplan")
    except metadata.PackageNotFoundError:
        return "unknown"


def _schema_heads(session: Session) -> list[str]:
    from alembic.migration import MigrationContext

    return sorted(MigrationContext.configure(session.connection()).get_current_heads())


def _consistent_read(session: Session) -> None:
    """Read the whole backup from one snapshot of the database, whatever is saved meanwhile."""
    if session.get_bind().dialect.name == "postgresql":
        if not session.in_transaction():
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        return
    dbapi = session.connection().connection.dbapi_connection
    if dbapi is not None and not dbapi.in_transaction:  # pysqlite opens none for reads on its own
        session.execute(text("BEGIN"))


def write_backup(session: Session, registry: Registry, out: Path, include_secrets: bool = False) -> dict[str, Any]:
    """Write everything the database holds to the archive ``out`` (whole or not at all); returns its manifest."""
    out = Path(out)
    if not out.parent.is_dir():
        raise BackupError(f"The folder {out.parent} does not exist.")
    if out.is_dir():
        raise BackupError(f"{out} is a folder; name the archive file to write.")
    if out.exists() and not out.is_file():  # a device or a pipe: the archive is renamed over its target
        raise BackupError(f"{out} is not a regular file; name the archive file to write.")
    _consistent_read(session)
    created = utcnow().replace(microsecond=0)
    partial = out.with_name(out.name + ".partial")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            manifest = _write_members(session, registry, _Writer(archive, created), include_secrets, created)
        os.replace(partial, out)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Cannot write {out}: {error.strerror or error}.") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


def _write_members(session: Session, registry: Registry, writer: _Writer, include_secrets: bool,
                   created: dt.datetime) -> dict[str, Any]:
    id_map: dict[str, dict[int, int]] = {}
    left_out = _write_core(session, writer, id_map, include_secrets)
    emails = dict(session.execute(select(User.id, User.email)).all())
    writer.counts["plan_revision"] = 0
    for plan in session.scalars(select(AnnualPlan).order_by(AnnualPlan.id)):
        member = _plan_member(session, registry, plan, id_map, emails)
        writer.json(f"plans/{plan.municipality.slug}/{plan.year}-{plan.kind}.json", member)
        writer.counts["plan_revision"] += len(member["revisions"])
    personal = list(CORE_PERSONAL_DATA)
    for municipality in session.scalars(select(Municipality).order_by(Municipality.id)):
        for plugin, data in registry.answers_by_plugin("socialplan_backup_municipality", set(registry.plugin_names),
                                                       session=session, municipality=municipality, id_map=id_map):
            writer.plugin(plugin, municipality.slug, data)
            personal += [kind for name in data.get("personal_data", []) if (kind := f"{plugin}.{name}") not in personal]
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "socialplan_version": _version(),
        "created_at": created.isoformat() + "Z",
        "schema": _schema_heads(session),
        # It is the deployment's own backup: e-mail addresses, who did what, and plugins' personal data.
        "personal_data": True,
        "personal_data_in": personal,
        "secrets": include_secrets,
        "left_out": left_out,
        "counts": writer.counts,
        "members": writer.members,
    }
    writer.manifest(manifest)
    return manifest


def _write_core(session: Session, writer: _Writer, id_map: dict[str, dict[int, int]],
                include_secrets: bool) -> list[str]:
    """Core's tables; returns those left out: a table whose rows are worth nothing without their secret
    (API tokens without their hash) stays out of an archive without secrets."""
    left_out = []
    for table in core_tables():
        secrets = [] if include_secrets else [c for c in table.columns if _is_secret(c)]
        if any(not c.nullable and c is not User.__table__.c.password_hash for c in secrets):
            left_out.append(table.name)
            continue
        dump = dump_table(session, table, None, id_map, exclude=[c.name for c in secrets])
        writer.table(f"core/{table.name}.jsonl", dump, table.name)
    return left_out


def _digest(block: Any) -> str:
    canonical = json.dumps(block, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _plan_member(session: Session, registry: Registry, plan: AnnualPlan, id_map: dict[str, dict[int, int]],
                 emails: dict[int, str]) -> dict[str, Any]:
    parts: dict[str, Any] = {}
    revisions, latest = [], None
    for revision in session.scalars(select(PlanRevision).where(PlanRevision.plan_id == plan.id)
                                    .order_by(PlanRevision.number)):
        snapshot = revision_snapshot(session, revision)
        if revision.number == plan.revision:
            latest = snapshot
        extensions = snapshot.get("extensions") or {}
        digests = {plugin: _digest(block) for plugin, block in extensions.items()}
        parts.update({digests[plugin]: block for plugin, block in extensions.items()})
        kept = {**snapshot, "extensions": {plugin: {PART: d} for plugin, d in digests.items()}} if extensions \
            else snapshot
        revisions.append({"number": revision.number, "created_at": revision.created_at.isoformat(),
                          "author": emails.get(revision.user_id), "action": revision.action, "document": kept})
    member: dict[str, Any] = {"plan": id_map["annual_plan"][plan.id], "municipality": plan.municipality.slug,
                              "year": plan.year, "kind": plan.kind, "revisions": revisions, "parts": parts}
    plan_kind = registry.plan_kind(plan.kind)
    if plan_kind is not None:
        current = export_plan(session, plan, plan_kind)
        if latest is None or (latest.get("format"), latest.get("version")) != (PLAN_FORMAT, PLAN_VERSION) or \
                _content(latest) != _content(current):
            member["document"] = current  # rows written past the revisions (bulk SQL): kept as they are
    return member


def _content(document: dict[str, Any]) -> dict[str, Any]:
    return {key: document.get(key) for key in CONTENT_KEYS}


# --- reading -----------------------------------------------------------------------------------


class _Archive:
    """An archive opened for restore: the zip readable, the manifest of a version this code reads, every
    member the manifest lists present, none else, and each matching its checksum."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise BackupError(f"There is no file {path}.") from None
        except zipfile.BadZipFile:
            raise BackupError(f"{path} is not a socialplan backup: it is not a whole zip archive.") from None
        except OSError as error:
            raise BackupError(f"Cannot read {path}: {error.strerror or error}.") from None
        try:
            self.manifest = self._manifest()
            self.members: dict[str, Any] = self.manifest["members"]
            self._verify()
        except BaseException:
            self.zip.close()
            raise

    def __enter__(self) -> _Archive:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.zip.close()

    def _damaged(self, name: str, error: Exception) -> BackupError:
        return BackupError(f"{self.path} is damaged: its member {name} cannot be read ({error}).")

    def read(self, name: str) -> bytes:
        try:
            return self.zip.read(name)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError) as error:
            raise self._damaged(name, error) from None

    def _manifest(self) -> dict[str, Any]:
        names = self.zip.namelist()
        if MANIFEST not in names:
            raise BackupError(f"{self.path} is not a socialplan backup: it has no {MANIFEST}.")
        try:
            manifest = json.loads(self.read(MANIFEST))
        except (ValueError, UnicodeDecodeError):
            raise BackupError(f"{self.path} is damaged: its {MANIFEST} is not JSON.") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError(f"{self.path} is not a socialplan backup: its manifest names no format '{FORMAT}'.")
        version = manifest.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise BackupError(f"{self.path} is damaged: its manifest has no format version.")
        if version > VERSION:
            raise BackupError(f"{self.path} is of backup format version {version}, newer than this socialplan "
                              f"reads ({VERSION}); restore it with the socialplan that wrote it or a newer one.")
        members = manifest.get("members")
        if not isinstance(members, dict) or not all(isinstance(m, dict) and isinstance(m.get("sha256"), str)
                                                    for m in members.values()):
            raise BackupError(f"{self.path} is damaged: its manifest lists no members with checksums.")
        if len(names) != len(set(names)) or set(names) - {MANIFEST} != set(members):
            extra = sorted(set(names) - {MANIFEST} - set(members)) or sorted(set(members) - set(names)) or [MANIFEST]
            raise BackupError(f"{self.path} has been altered: its member {extra[0]} is not as the manifest lists.")
        return manifest

    def _verify(self) -> None:
        for name, listed in self.members.items():
            digest = hashlib.sha256()
            try:
                with self.zip.open(name) as member:
                    while chunk := member.read(1 << 20):
                        digest.update(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError) as error:
                raise self._damaged(name, error) from None
            if digest.hexdigest() != listed["sha256"]:
                raise BackupError(f"{self.path} has been altered or damaged: its member {name} does not match "
                                  "the checksum its manifest holds.")

    def json(self, name: str, tables: bool = False) -> Any:
        """A JSON member; with ``tables``, each ``{"$table": member}`` in it read as a :class:`TableDump`."""
        try:
            return json.loads(self.read(name), object_hook=self._table_of if tables else None)
        except (ValueError, UnicodeDecodeError) as error:
            raise BackupError(f"{self.path} is malformed: its member {name} is not JSON ({error}).") from None

    def _table_of(self, value: dict[str, Any]) -> Any:
        if set(value) == {"$table"}:
            return self.table(value["$table"])
        return value

    def table(self, name: str) -> TableDump:
        if name not in self.members:
            raise BackupError(f"{self.path} is malformed: it names a member {name} it does not hold.")
        with self.zip.open(name) as member:
            head = self._line(name, member.readline(), 1)
        if not isinstance(head, dict) or not isinstance(head.get("table"), str) or not isinstance(
                head.get("columns"), list) or not all(isinstance(c, str) for c in head["columns"]):
            raise BackupError(f"{self.path} is malformed: its member {name} does not begin with a table's head.")
        return TableDump(head["table"], head["columns"], self._rows(name))

    def _rows(self, name: str) -> Iterator[list[Any]]:
        with self.zip.open(name) as member:
            for number, line in enumerate(io.TextIOWrapper(member, encoding="utf-8")):
                if number:
                    yield self._line(name, line, number + 1)

    def _line(self, name: str, line: bytes | str, number: int) -> Any:
        try:
            return json.loads(line)
        except ValueError:
            raise BackupError(f"{self.path} is malformed: line {number} of its member {name} is not JSON.") from None


def _require_empty(session: Session) -> None:
    if not inspect(session.connection()).has_table(Municipality.__tablename__):
        raise BackupError("The database has no socialplan tables yet; run 'socialplan db upgrade' first.")
    municipalities = session.scalar(select(func.count()).select_from(Municipality))
    users = session.scalar(select(func.count()).select_from(User))
    if municipalities or users:
        raise BackupError(f"The database is not empty (it holds {municipalities} municipalities and {users} users); "
                          "restore into a new database after 'socialplan db upgrade'.")


def _check_schema(session: Session, heads: Any) -> None:
    """The archive's tables must exist here: its schema is this database's or an older one."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    from core.migrate import alembic_config

    if not isinstance(heads, list) or not all(isinstance(h, str) for h in heads):
        raise BackupError("The archive's manifest names no database schema.")
    try:
        script = ScriptDirectory.from_config(alembic_config())
        reached = {revision.revision for revision in script.iterate_revisions(_schema_heads(session), "base")}
    except CommandError as error:
        raise BackupError(f"The database's schema is unknown to this socialplan: {error}.") from None
    newer = [head for head in heads if head not in reached]
    if newer:
        raise BackupError(f"The archive was written at database schema {newer[0]}, which this database has not "
                          "reached; upgrade socialplan and run 'socialplan db upgrade' first.")


def _check_members(registry: Registry, archive: _Archive) -> None:
    """Every member is a table this socialplan knows, a plan, or the data of an installed plugin that restores it."""
    tables = {f"core/{table.name}.jsonl" for table in core_tables()}
    restorers = {impl.plugin_name for impl in registry.pm.hook.socialplan_restore_municipality.get_hookimpls()}
    for name in archive.members:
        parts = name.split("/")
        if parts[0] == "core" and name not in tables:
            raise BackupError(f"The archive holds the table {name[5:-6]}, which this socialplan does not know; "
                              "upgrade socialplan first.")
        if parts[0] == "plugins" and (len(parts) < 3 or parts[1] not in restorers):
            raise BackupError(f"The archive holds data of the plugin '{parts[1] if len(parts) > 1 else name}', which "
                              "is not installed here (or cannot restore it).")
        if parts[0] not in ("core", "plans", "plugins"):
            raise BackupError(f"{archive.path} is malformed: it holds a member {name} of no known kind.")


def restore_backup(session: Session, registry: Registry, path: Path) -> RestoreSummary:
    """Rebuild the deployment archived in ``path`` into this empty database, in the session's transaction;
    raises :class:`BackupError` before the caller commits anything when any part cannot be restored."""
    with _Archive(Path(path)) as archive:
        _require_empty(session)
        _check_schema(session, archive.manifest.get("schema"))
        _check_members(registry, archive)
        try:
            _restore(session, registry, archive)
            _check_counts(session, archive.manifest.get("counts"))
        except BackupError:
            raise
        except DocumentError as error:
            raise BackupError(f"{path} holds a plan document that cannot be read at {error.path}: "
                              f"{error.reason}.") from None
        except (IntegrityError, DataError) as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise BackupError(f"The database refused a row of {path}: {reason}.") from None
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
            raise BackupError(f"{path} is malformed ({type(error).__name__}: {error}).") from None
    missing = session.scalars(select(User.email).where(User.password_hash == UNUSABLE_PASSWORD)
                              .order_by(User.email)).all()
    return RestoreSummary(dict(archive.manifest["counts"]), list(missing))


def _restore(session: Session, registry: Registry, archive: _Archive) -> None:
    id_map: dict[str, dict[int, int]] = {}
    for table in core_tables():
        name = f"core/{table.name}.jsonl"
        if name in archive.members:
            defaults = {"password_hash": UNUSABLE_PASSWORD} if table is User.__table__ else None
            load_table(session, table, archive.table(name), id_map, defaults=defaults)
    plans = AnnualPlan.__table__
    # The headers as archived: written again once documents have set the plans' rows.
    headers = {row.id: dict(row._mapping) for row in session.execute(select(plans))}
    emails = dict(session.execute(select(User.email, User.id)).all())
    restored = [_restore_plan(session, registry, archive.json(name), id_map, emails)
                for name in archive.members if name.startswith("plans/")]
    if sorted(restored) != sorted(headers):
        raise BackupError("The archive does not hold exactly one plan member for each plan it lists.")
    for plan_id, header in headers.items():
        session.execute(update(plans).where(plans.c.id == plan_id).values(
            {key: value for key, value in header.items() if key != "id"}))
    session.expire_all()
    for name in archive.members:
        parts = name.split("/")
        if parts[0] == "plugins" and len(parts) == 3 and name.endswith(".json"):
            municipality = session.scalar(select(Municipality).where(Municipality.slug == parts[2][:-5]))
            if municipality is None:
                raise BackupError(f"The archive holds data of plugin '{parts[1]}' for a municipality it does not hold.")
            registry.call_plugin(parts[1], "socialplan_restore_municipality", session=session,
                                 municipality=municipality, data=archive.json(name, tables=True), id_map=id_map)
    session.flush()


def _restore_plan(session: Session, registry: Registry, member: dict[str, Any], id_map: dict[str, dict[int, int]],
                  emails: dict[str, int]) -> int:
    """The plan's rows from its latest snapshot (or its current document), then its revisions as they were;
    returns the plan's id."""
    plan = session.get(AnnualPlan, id_map["annual_plan"][member["plan"]])
    plan_kind = registry.plan_kind(plan.kind)
    if plan_kind is None:
        raise BackupError(f"The archive holds a plan of kind '{plan.kind}', which no installed plugin provides.")
    parts = member["parts"]
    revisions = [(revision, _whole(revision["document"], parts)) for revision in member["revisions"]]
    document = member.get("document") or next((doc for r, doc in revisions if r["number"] == plan.revision), None)
    if document is None:
        raise BackupError(f"The archive holds no document of the {plan.kind} plan of {member['municipality']} "
                          f"for {plan.year}.")
    check_schema(document)
    apply_document(session, plan, plan_kind, document)
    session.flush()
    for revision, snapshot in revisions:
        author = revision["author"]
        if author is not None and author not in emails:
            raise BackupError(f"A revision in the archive names an author ({author}) it holds no account of.")
        if isinstance(revision["number"], bool) or not isinstance(revision["number"], int) or not isinstance(
                revision["action"], str) or not isinstance(snapshot, dict):
            raise BackupError(f"A revision of the {plan.kind} plan of {member['municipality']} for {plan.year} in "
                              "the archive is malformed.")
        session.execute(insert(PlanRevision.__table__).values(
            plan_id=plan.id, number=revision["number"], created_at=dt.datetime.fromisoformat(revision["created_at"]),
            user_id=emails[author] if author is not None else None, action=revision["action"],
            document=_kept(session, snapshot)))
    return plan.id


def _whole(document: dict[str, Any], parts: dict[str, Any]) -> dict[str, Any]:
    extensions = document.get("extensions")
    if not extensions:
        return document
    return {**document, "extensions": {plugin: parts[block[PART]] for plugin, block in extensions.items()}}


def _check_counts(session: Session, counts: Any) -> None:
    """What was written is what the manifest counts, table by table (plugin tables over all municipalities)."""
    if not isinstance(counts, dict):
        raise BackupError("The archive's manifest counts nothing.")
    for key, expected in counts.items():
        table = Base.metadata.tables.get(key.split(".", 1)[-1])
        if table is None:
            raise BackupError(f"The archive's manifest counts {key}, a table this database does not have.")
        written = session.scalar(select(func.count()).select_from(table))
        if written != expected:
            raise BackupError(f"The restore wrote {written} rows of {key} where the archive's manifest counts "
                              f"{expected}; nothing was restored.")
