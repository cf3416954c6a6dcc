"""The domain model every jurisdiction shares.

Translatable content is a JSON object of one value per locale (``{"ro": "...", "en": "..."}``);
:func:`core.i18n.translated` picks the value for a locale and falls back to the municipality's
default locale. Money is ``Decimal`` in ``Numeric(18, 2)`` columns end to end.
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base
from core.rows import BUDGET_LINE, CAMPAIGN, OBJECTIVE, SERVICE, TRAINING, row_columns

Translated = dict[str, str]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_uid() -> str:
    return uuid.uuid4().hex


class Role(StrEnum):
    ADMIN = "admin"
    PLANNER = "planner"
    VIEWER = "viewer"


class Municipality(Base):
    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[Translated] = mapped_column(JSON)
    country: Mapped[str] = mapped_column(String(2))
    default_locale: Mapped[str] = mapped_column(String(8))
    currency: Mapped[str] = mapped_column(String(3))
    # Publication (core.services.publication): whether its adopted plans are on the public pages and in the open
    # data catalogue, under which licence (a code of publication.LICENCES) and in whose name (the publisher).
    published: Mapped[bool] = mapped_column(default=False, server_default=false())
    licence: Mapped[str | None] = mapped_column(String(40))
    publisher: Mapped[str | None] = mapped_column(String(200))
    # The municipality's own wording of the council documents' fixed texts (core.services.council_documents):
    # {"<plan kind>:<document>:<text>": {"<locale>": "..."}}; None or a missing key: the template's wording.
    council_texts: Mapped[dict[str, dict[str, str]] | None] = mapped_column(JSON)
    # Its entry in the country's official register when a plugin offers one (hook
    # socialplan_municipality_register), e.g. a Romanian UAT's SIRUTA code and county: generic columns, not
    # one per country, so that core shows and backs them up without knowing the country.
    official_code: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(120))

    plugins: Mapped[list[MunicipalityPlugin]] = relationship(
        back_populates="municipality", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def enabled_plugins(self) -> set[str]:
        return {p.plugin for p in self.plugins}


class MunicipalityPlugin(Base):
    """A plugin an administrator switched on for a municipality."""

    __tablename__ = "municipality_plugin"

    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), primary_key=True
    )
    plugin: Mapped[str] = mapped_column(String(80), primary_key=True)
    enabled_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    municipality: Mapped[Municipality] = relationship(back_populates="plugins")


class Provider(Base):
    __tablename__ = "provider"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_number: Mapped[str | None] = mapped_column(String(40))


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    locale: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the id a signed-in session carries (get_id): raising it ends every session of the account
    # (sign-out, a new password, deactivation), since an older session's id no longer matches.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    municipality: Mapped[Municipality | None] = relationship(lazy="joined")

    # Flask-Login's user protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class ApiToken(Base):
    """A token for the JSON API: only its digest is stored. It acts for its user within a scope that is never
    more than the user's (a role, and for planners and viewers their municipality), until it expires or an
    administrator revokes it."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(lazy="joined")
    municipality: Mapped[Municipality | None] = relationship(lazy="joined")


class AnnualPlan(Base):
    """A municipality's plan of one kind for one year."""

    __tablename__ = "annual_plan"
    __table_args__ = (UniqueConstraint("municipality_id", "year", "kind", name="uq_annual_plan_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    year: Mapped[int]
    kind: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(30), default="draft")
    title: Mapped[Translated] = mapped_column(JSON, default=dict)
    council_decision_ref: Mapped[str | None] = mapped_column(String(120))
    council_decision_date: Mapped[dt.date | None] = mapped_column(Date)
    # Facts recorded by workflow steps (consultation period, county opinion ...), by field name.
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    revision: Mapped[int] = mapped_column(default=0)
    # The revision the council adopted (its snapshot holds the decision), kept apart from the working
    # revision: viewers and every "as adopted" download read it until a newer one is adopted.
    adopted_revision: Mapped[int | None]
    # Rule findings of the current revision, counted when it was saved, so that lists of plans
    # (dashboards) need not run every plugin's rules on every request.
    error_count: Mapped[int] = mapped_column(default=0, server_default="0")
    warning_count: Mapped[int] = mapped_column(default=0, server_default="0")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    municipality: Mapped[Municipality] = relationship(lazy="joined")
    revisions: Mapped[list[PlanRevision]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanRevision.number"
    )


Index("ix_annual_plan_municipality_year", AnnualPlan.municipality_id, AnnualPlan.year)


class RevisionPart(Base):
    """A part of revision snapshots kept once by the digest of its content: a plugin's extension block,
    which most saves of a plan leave as it was (the Swedish block carries every answer cell)."""

    __tablename__ = "plan_revision_part"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the canonical JSON
    content: Mapped[dict[str, Any]] = mapped_column(JSON)


class PlanRevision(Base):
    """A snapshot of the whole plan document, kept on every save."""

    __tablename__ = "plan_revision"
    __table_args__ = (UniqueConstraint("plan_id", "number", name="uq_plan_revision_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("annual_plan.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(200))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)

    plan: Mapped[AnnualPlan] = relationship(back_populates="revisions")
    user: Mapped[User | None] = relationship()


class PlanStep(Base):
    """A workflow step taken on a plan: who, when, what it recorded."""

    __tablename__ = "plan_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("annual_plan.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(60))
    from_status: Mapped[str] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    taken_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class _PlanRow:
    """Columns every row of a plan section has: its plan, its section and its place."""

    id: Mapped[int] = mapped_column(primary_key=True)
    section: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(default=0)
    # The row's identity across revisions (a plan document's "uid"): edits, comparisons and the API
    # address a row by it, never by its position, which another person's change may shift.
    uid: Mapped[str] = mapped_column(String(32), default=new_uid)


class SectionText(Base):
    """Prose of a section, or its 'not applicable' statement with the legal text behind it."""

    __tablename__ = "section_text"
    __table_args__ = (UniqueConstraint("plan_id", "section", name="uq_section_text_plan_section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("annual_plan.id", ondelete="CASCADE"))
    section: Mapped[str] = mapped_column(String(60))
    not_applicable: Mapped[bool] = mapped_column(default=False)
    text: Mapped[Translated] = mapped_column(JSON, default=dict)
    footnote: Mapped[Translated] = mapped_column(JSON, default=dict)


class Service(_PlanRow, row_columns(SERVICE), Base):
    """A service of a plan section: its columns are the fields of :data:`core.rows.SERVICE` (code, unit_name,
    name, description, beneficiary_category, capacity, capacity_unit, occupancy, status and ``extra``, a
    jurisdiction's own facts such as floor space or staff by role)."""

    __tablename__ = "service"
    __table_args__ = (
        Index("ix_service_plan_section", "plan_id", "section", "position"),
        CheckConstraint(SERVICE.field("status").check_constraint(), name="status"),
    )

    plan_id: Mapped[int] = mapped_column(ForeignKey("annual_plan.id", ondelete="CASCADE"))
    budget_lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="BudgetLine.position"
    )


class BudgetLine(row_columns(BUDGET_LINE), Base):
    """An amount for one service, year and funding source: the fields of :data:`core.rows.BUDGET_LINE` (year,
    funding_source, amount, currency, scale: 1000 = thousand lei, note); totals are computed, never stored."""

    __tablename__ = "budget_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    service: Mapped[Service] = relationship(back_populates="budget_lines")


class Campaign(_PlanRow, row_columns(CAMPAIGN), Base):
    """An information campaign: the fields of :data:`core.rows.CAMPAIGN`. Its period is one of
    {"kind": "range", "start": "2021-06-01", "end": "2021-06-30"} | {"kind": "month", "month": 6}
    | {"kind": "months", "months": [7, 8]} | {"kind": "half-year", "half": 1}
    | {"kind": "recurrence", "every": "monthly" | "half-yearly" | "yearly"} | {"kind": "dates", "text": {...}}."""

    __tablename__ = "campaign"
    __table_args__ = (Index("ix_campaign_plan_section", "plan_id", "section", "position"),)

    plan_id: Mapped[int] = mapped_column(ForeignKey("annual_plan.id", ondelete="CASCADE"))


class TrainingRow(_PlanRow, row_columns(TRAINING), Base):
    """A row of a training plan: the fields of :data:`core.rows.TRAINING`."""

    __tablename__ = "training_row"
    __table_args__ = (Index("ix_training_row_plan_section", "plan_id", "section", "position"),)

    plan_id: Mapped[int] = mapped_column(ForeignKey("annual_plan.id", ondelete="CASCADE"))


class Objective(_PlanRow, row_columns(OBJECTIVE), Base):
    """A strategic or operational objective: the fields of :data:`core.rows.OBJECTIVE`."""

    __tablename__ = "objective"
    __table_args__ = (Index("ix_objective_plan_section", "plan_id", "section", "position"),)

    plan_id: Mapped[int] = mapped_column(ForeignKey("annual_plan.id", ondelete="CASCADE"))


class SectionEntry(_PlanRow, Base):
    """A row of a plugin-defined section whose fields are named by the section's columns."""

    __tablename__ = "section_entry"
    __table_args__ = (Index("ix_section_entry_plan_section", "plan_id", "section", "position"),)

    plan_id: Mapped[int] = mapped_column(ForeignKey("annual_plan.id", ondelete="CASCADE"))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AuditEvent(Base):
    """A change that is not a plan revision (accounts, sign-ins, plugins, a plugin's own data): who, when,
    what. Written only by :func:`core.services.audit.record`; read with the plan revisions by the audit page."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_municipality_at", "municipality_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, server_default=func.now())
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Who acted: "user" (user_id), "cli" (the operator; the OS user is in the detail), "anonymous" (not signed in).
    actor: Mapped[str] = mapped_column(String(20), default="user", server_default="user")
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(80))  # a stable code, e.g. "user.changed", "sweden.unit-added"
    subject: Mapped[str | None] = mapped_column(String(120))  # what was changed, e.g. "unit:12"
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()
