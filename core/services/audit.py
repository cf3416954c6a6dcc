"""The audit trail: who changed what, and when.

Every change to a plan is a :class:`core.models.PlanRevision` (``core.services.plans.record_revision``);
every other change (accounts, sign-ins, plugins switched, a plugin's own data) is one
:class:`core.models.AuditEvent`, written only by :func:`record`, which the service that makes the
change calls. The audit page reads both, merged by time, so that each change is recorded once.

An event's action is a stable code (``"user.changed"``, ``"sweden.unit-added"``) with a translated
label (:class:`AuditAction`; plugins declare theirs through the ``socialplan_audit_actions`` hook);
its detail is a JSON object of plain values, which :func:`describe` turns into lines in the reader's
language. A change of existing things records ``"changes"``: ``[{"field", "old", "new"}]`` (see
:func:`changes`).
"""

from __future__ import annotations

import datetime as dt
import getpass
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

from flask import has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session, defer, selectinload

from core.i18n import format_date, format_number, format_percent, locale_display_name, translated
from core.models import AnnualPlan, AuditEvent, Municipality, PlanRevision, User
from core.services.tables import language_label

if TYPE_CHECKING:
    from core.plugin_manager import Registry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Actor:
    """Who acts when it is not a signed-in user: the command line's operator, or nobody signed in."""

    kind: str  # "cli" | "anonymous"


CLI = Actor("cli")
ANONYMOUS = Actor("anonymous")


def actor() -> User | Actor:
    """Who is making the change now: the request's signed-in user (a session or an API token), nobody
    (:data:`ANONYMOUS`) in a request without one, the command line's operator (:data:`CLI`) outside requests."""
    if not has_request_context():
        return CLI
    from flask_login import current_user

    return current_user._get_current_object() if current_user.is_authenticated else ANONYMOUS


def os_user() -> str:
    """The operating-system account running the command line (its uid when it has no name)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Enum):
        return _jsonable(value.value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)  # a lazy string: its text in the locale in force


def record(
    session: Session, *, user: User | Actor | None, municipality: Municipality | int | None, action: str,
    detail: Mapping[str, Any] | str = "", subject: str | None = None,
) -> AuditEvent:
    """Add the event of one change to ``session`` (committed, or rolled back, with the change itself).

    ``user`` is who acted (:func:`actor`; None: nobody signed in), ``detail`` what changed (plain
    values: a text becomes ``{"text": ...}``), ``subject`` what it changed (``"unit:12"``). The command
    line's events carry the OS user in their detail, so no change is ever recorded without someone.
    """
    data = {"text": detail} if isinstance(detail, str) else _jsonable(dict(detail))
    kind = "user" if isinstance(user, User) else (user or ANONYMOUS).kind
    if kind == "cli":
        data["os_user"] = os_user()
    event = AuditEvent(user_id=user.id if isinstance(user, User) else None, actor=kind,
                       municipality_id=municipality.id if isinstance(municipality, Municipality) else municipality,
                       action=action, detail=data, subject=subject)
    session.add(event)
    return event


def changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The fields whose value differs between ``old`` and ``new``, as an event's ``"changes"``."""
    return [{"field": key, "old": _jsonable(old.get(key)), "new": _jsonable(value)}
            for key, value in new.items() if _jsonable(old.get(key)) != _jsonable(value)]


# --- labels and descriptions ---------------------------------------------------------------------

# How a detail value is shown: one of these names, a mapping of codes to labels, or a function.
ValueKind = str | Mapping[Any, Any] | Callable[[Any], str]


# An event's undo: given the event (its ``subject``, e.g. 'goal:12', and ``detail``), a session and the event's
# municipality, the URL of the page that undoes it while it can still be undone, else None.
Undo = Callable[[AuditEvent, Session, Municipality], "str | None"]


@dataclass(frozen=True)
class AuditAction:
    """An action code with its label and how its detail reads: ``fields`` are the detail keys shown (and the
    fields a change names), in order, with their labels; ``values`` say how a key's values read ("date",
    "bool", "number", "percent", "locale", "translated", a mapping of codes to labels, or a function).
    ``undo`` (since SDK 1.3): for a change that can be undone (a removal, a termination), the URL of the page that
    undoes it while it still can be, else None; the audit trail links the event to it."""

    code: str
    label: Any
    fields: Mapping[str, Any] = field(default_factory=dict)
    values: Mapping[str, ValueKind] = field(default_factory=dict)
    undo: Undo | None = None


ROLE_LABELS = {"admin": _l("Administrator"), "planner": _l("Planner"), "viewer": _l("Council viewer")}


def _plugin_words(plugin: Any) -> str:
    """A plugin by the jurisdiction it brings ('Romania'), as the administration pages name it."""
    from core.web.helpers import plugin_label

    return plugin_label(str(plugin))


def _country_words(code: Any) -> str:
    from core.web.helpers import country_name

    return country_name(str(code))

CORE_ACTIONS = (
    AuditAction("account.signed-in", _l("Signed in")),
    AuditAction("account.sign-in-failed", _l("Sign-in refused"), {"email": _l("E-mail address typed")}),
    AuditAction("account.signed-out", _l("Signed out")),
    AuditAction("account.locale-chosen", _l("Language chosen"), {"locale": _l("Language")}, {"locale": "locale"}),
    AuditAction("user.created", _l("Account created"),
                {"email": _l("E-mail address"), "role": _l("Role"), "municipality": _l("Municipality"),
                 "locale": _l("Language"), "text": _l("Account")},
                {"role": ROLE_LABELS, "locale": "locale"}),
    AuditAction("user.changed", _l("Account changed"),
                {"email": _l("E-mail address"), "role": _l("Role"), "municipality": _l("Municipality"),
                 "active": _l("Active"), "text": _l("Account")},
                {"role": ROLE_LABELS, "active": "bool"}),
    AuditAction("user.token-issued", _l("API token issued"),
                {"email": _l("Account"), "name": _l("Name"), "role": _l("Role"), "municipality": _l("Municipality"),
                 "expires": _l("Valid until")}, {"role": ROLE_LABELS, "expires": "date"}),
    AuditAction("user.token-revoked", _l("API token revoked"),
                {"email": _l("Account"), "name": _l("Name")}),
    AuditAction("account.password-changed", _l("Password changed")),
    AuditAction("municipality.created", _l("Municipality created"),
                {"name": _l("Name"), "slug": _l("Short name"), "country": _l("Country"),
                 "default_locale": _l("Default language"), "currency": _l("Currency"),
                 "official_code": _l("Official code"), "region": _l("Region")},
                {"name": "translated", "default_locale": "locale", "country": _country_words}),
    AuditAction("municipality.changed", _l("Municipality changed"),
                {"name": _l("Name"), "default_locale": _l("Default language"), "currency": _l("Currency"),
                 "official_code": _l("Official code"), "region": _l("Region")},
                {"name": "translated", "default_locale": "locale"}),
    AuditAction("municipality.publication-changed", _l("Publication changed"),
                {"published": _l("Published"), "licence": _l("Licence"), "publisher": _l("Publisher")},
                {"published": "bool"}),
    AuditAction("municipality.council-texts-changed", _l("Wording of the council documents changed"),
                {"plan_kind": _l("Plan kind")}),
    AuditAction("plugin.enabled", _l("Plugin enabled"), {"plugin": _l("Plugin")}, {"plugin": _plugin_words}),
    AuditAction("plugin.disabled", _l("Plugin disabled"), {"plugin": _l("Plugin")}, {"plugin": _plugin_words}),
)


def actions(registry: Registry | None = None) -> dict[str, AuditAction]:
    """Every action code known to core and to the plugins of ``registry``."""
    found = {a.code: a for a in CORE_ACTIONS}
    if registry is not None:
        found.update((a.code, a) for a in registry.collect("socialplan_audit_actions"))
    return found


def undo_url(event: AuditEvent, known: Mapping[str, AuditAction], session: Session) -> str | None:
    """Where ``event`` is undone, when its action says and it can still be; None otherwise. A plugin's answer
    that fails is no link, never a failed audit page."""
    spec = known.get(event.action)
    if spec is None or spec.undo is None or event.municipality_id is None:
        return None
    municipality = session.get(Municipality, event.municipality_id)
    if municipality is None:
        return None
    try:
        return spec.undo(event, session, municipality)
    except Exception:  # a plugin's bug must not take the audit trail down with it
        logger.exception("the undo link of audit event %s (%s) failed", event.id, event.action)
        return None


def _format(value: Any, kind: ValueKind | None) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if callable(kind):
        return kind(value)
    if isinstance(kind, Mapping):
        return str(kind.get(value, value))
    if kind == "date":
        return format_date(dt.date.fromisoformat(str(value)[:10]))
    if kind == "number":
        return format_number(Decimal(str(value)))
    if kind == "percent":
        return format_percent(Decimal(str(value)), 0 if Decimal(str(value)) % 1 == 0 else 1)
    if kind == "locale":
        return locale_display_name(str(value))
    if kind == "bool" or isinstance(value, bool):
        return _("Yes") if value else _("No")
    if kind == "translated" or isinstance(value, dict):
        return translated(value) if isinstance(value, dict) else str(value)
    if isinstance(value, list):
        return ", ".join(_format(v, kind) for v in value)
    return str(value)


@dataclass(frozen=True)
class Description:
    label: str
    lines: tuple[str, ...]


def describe(event: AuditEvent, known: Mapping[str, AuditAction]) -> Description:
    """An event in the reader's language: its action's label and a line per detail field and change."""
    spec = known.get(event.action) or AuditAction(event.action, _l("Other change"), {"text": _l("Detail")})
    detail = event.detail if isinstance(event.detail, dict) else {"text": str(event.detail)}
    lines = [f"{spec.fields[key]}: {_format(detail[key], spec.values.get(key))}"
             for key in spec.fields if key in detail]
    for change in detail.get("changes") or ():
        name = change.get("field")
        lines += _change_lines(spec.fields.get(name, _("Other field")), change.get("old"), change.get("new"),
                               spec.values.get(name))
    return Description(str(spec.label), tuple(lines))


def _change_lines(label: Any, old: Any, new: Any, kind: ValueKind | None) -> list[str]:
    """A change's lines. A text in several languages gets a line per language whose text changed ('Name
    (Română): Alfa → Alfa Nouă'): its text in the reader's language alone may be the same on both sides."""
    if kind == "translated" and isinstance(old or {}, dict) and isinstance(new or {}, dict):
        old, new = old or {}, new or {}
        languages = [code for code in {**old, **new} if old.get(code) != new.get(code)]
        if languages:
            return [f"{language_label(label, code)}: {_format(old.get(code), None)} → {_format(new.get(code), None)}"
                    for code in languages]
    return [f"{label}: {_format(old, kind)} → {_format(new, kind)}"]


def who(event: AuditEvent) -> str:
    """Who acted, in the reader's language: the user's e-mail address, or the command line and its OS user."""
    if event.actor == "cli":
        return _("Command line (%(name)s)", name=(event.detail or {}).get("os_user") or "?")
    if event.user is not None:
        return event.user.email
    return _("Not signed in") if event.actor == "anonymous" else _("(deleted account)")


def kind_labels(known: Mapping[str, AuditAction], codes: Iterable[str]) -> list[tuple[str, str]]:
    """(code, label) of the action codes ``codes``, by label, for a filter."""
    return sorted(((code, str(known[code].label) if code in known else _("Other change")) for code in set(codes)),
                  key=lambda pair: pair[1].casefold())


# --- reading the trail ---------------------------------------------------------------------------

PLAN_REVISIONS = "plan.revision"  # the trail's kind for plan revisions (they are not events)
PER_PAGE = 50


@dataclass(frozen=True)
class TrailPage:
    """One page of a trail, newest first: events and plan revisions (with their plan and user loaded)."""

    entries: list[AuditEvent | PlanRevision]
    page: int
    pages: int
    total: int


def trail(session: Session, municipality_id: int | None, kind: str | None = None, page: int = 1,
          per_page: int = PER_PAGE) -> TrailPage:
    """The events of a municipality (None: those of no municipality, e.g. an administrator's sign-in) and
    its plans' revisions, merged by time; ``kind`` keeps one action code, or :data:`PLAN_REVISIONS`."""
    parts = []
    if kind != PLAN_REVISIONS:
        events = select(literal("event").label("source"), AuditEvent.id.label("id"), AuditEvent.at.label("at"))
        events = events.where(AuditEvent.municipality_id == municipality_id if municipality_id is not None
                              else AuditEvent.municipality_id.is_(None))
        parts.append(events.where(AuditEvent.action == kind) if kind else events)
    if kind in (None, PLAN_REVISIONS) and municipality_id is not None:
        parts.append(select(literal("revision").label("source"), PlanRevision.id.label("id"),
                            PlanRevision.created_at.label("at"))
                     .join(AnnualPlan, AnnualPlan.id == PlanRevision.plan_id)
                     .where(AnnualPlan.municipality_id == municipality_id))
    if not parts:
        return TrailPage([], 1, 1, 0)
    merged = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
    total = session.scalar(select(func.count()).select_from(merged)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    keys = session.execute(select(merged.c.source, merged.c.id).order_by(merged.c.at.desc(), merged.c.id.desc())
                           .limit(per_page).offset((page - 1) * per_page)).all()
    return TrailPage(_load(session, keys), page, pages, total)


def _load(session: Session, keys: list[Any]) -> list[AuditEvent | PlanRevision]:
    """The rows behind (source, id) keys, in their order: two queries, revisions without their snapshot."""
    event_ids = [key.id for key in keys if key.source == "event"]
    revision_ids = [key.id for key in keys if key.source == "revision"]
    events = {e.id: e for e in session.scalars(
        select(AuditEvent).where(AuditEvent.id.in_(event_ids)).options(selectinload(AuditEvent.user)))} \
        if event_ids else {}
    revisions = {r.id: r for r in session.scalars(
        select(PlanRevision).where(PlanRevision.id.in_(revision_ids))
        .options(defer(PlanRevision.document), selectinload(PlanRevision.user), selectinload(PlanRevision.plan)))} \
        if revision_ids else {}
    return [events[key.id] if key.source == "event" else revisions[key.id] for key in keys]


def kinds_in(session: Session, municipality_id: int | None) -> list[str]:
    """The action codes a trail holds (for its filter)."""
    where = AuditEvent.municipality_id == municipality_id if municipality_id is not None \
        else AuditEvent.municipality_id.is_(None)
    return list(session.scalars(select(AuditEvent.action).where(where).distinct()))
