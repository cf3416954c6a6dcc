"""Database engine and sessions: one engine per application, one session per app context."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import JSON, MetaData, Numeric, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Numeric(18, 2)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {Decimal: Money, dict[str, Any]: JSON, dict[str, str]: JSON, list[Any]: JSON}


def _enable_sqlite_foreign_keys(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _json_default(value: Any) -> Any:
    """A JSON column's value json cannot write: a Decimal (a JSON number read exactly, core.text.load_json, in a
    plugin's entry row or a service's extra facts) is kept as documents keep decimals, canonical text."""
    if isinstance(value, Decimal) and value.is_finite():
        return format(value, "f")
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _json_dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default)


def make_engine(url: str) -> Engine:
    engine = create_engine(url, future=True, pool_pre_ping=url.startswith("postgresql"), json_serializer=_json_dumps)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["socialplan.engine"] = engine
    app.extensions["socialplan.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def get_engine() -> Engine:
    return current_app.extensions["socialplan.engine"]


def get_session() -> Session:
    """The session of the current app context (a request, a CLI command or a test)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["socialplan.sessionmaker"]()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
