"""PDF reports: the report kinds plugins provide, rendered with the core report layer.

:func:`render_report` finds a report kind in the registry and calls its ``render`` with a
:class:`~core.reports.engine.ReportContext` inside :func:`flask_babel.force_locale`, so every
gettext call and core.i18n format in the report uses the report's language. Plugins build the
PDF with :class:`~core.reports.engine.ReportBuilder`; its module docstring documents the API.
Fonts: :func:`core.reports.fonts.ensure_fonts`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from flask_babel import force_locale

from core.reports.engine import PRINTED_REVISION, PUBLIC_URL, REPORT_FORMAT, ReportBuilder, ReportContext
from core.reports.fonts import ensure_fonts

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.models import AnnualPlan

__all__ = ["ReportBuilder", "ReportContext", "UnknownReportKind", "ensure_fonts", "render_report"]


class UnknownReportKind(LookupError):
    """No report kind of that code is available for the plan (none registered, another plan kind,
    or its plugin not enabled for the plan's municipality)."""

    def __init__(self, code: str, reason: str = "no such report kind") -> None:
        super().__init__(f"report kind '{code}': {reason}")
        self.code = code


def render_report(session: Session, plan: AnnualPlan, report_code: str, locale: str,
                  revision: int | None = None, fmt: str = "pdf") -> bytes:
    """The PDF of report kind ``report_code`` for ``plan``, in ``locale``: of the working revision, or of
    revision number ``revision`` (e.g. the adopted one, ``plan.adopted_revision``). ``fmt="docx"``: the same
    report as DOCX (core.reports.docx_report), for a secretariat to file or edit."""
    from core.plugin_manager import get_registry
    from core.services.plans import revision_document_at

    registry = get_registry()
    kind = registry.report_kind(report_code)
    if kind is None:
        raise UnknownReportKind(report_code)
    if kind.plan_kind != plan.kind:
        raise UnknownReportKind(report_code, f"it is for plans of kind '{kind.plan_kind}', not '{plan.kind}'")
    municipality = plan.municipality
    enabled = {entry.plugin for entry in municipality.plugins}
    if registry.plugin_of_report_kind(report_code) not in enabled:
        raise UnknownReportKind(report_code, "its plugin is not enabled for the plan's municipality")
    plan_kind = registry.plan_kind(plan.kind)
    if plan_kind is None:
        raise UnknownReportKind(report_code, f"plan kind '{plan.kind}' is not registered")
    number = plan.revision if revision is None else revision
    document = revision_document_at(session, registry, plan, number)
    if document is None:
        raise UnknownReportKind(report_code, f"the plan has no revision {number}")
    with force_locale(locale):
        context = ReportContext(
            plan=plan,
            document=document,
            revision=number,
            adopted=number == plan.adopted_revision,
            municipality=municipality,
            plan_kind=plan_kind,
            locale=locale,
            session=session,
            registry=registry,
            generated_at=dt.datetime.now(),
        )
        printing = PRINTED_REVISION.set(context.revision_status())
        output = REPORT_FORMAT.set("docx" if fmt == "docx" else "pdf")
        from core.services.publication import public_url

        public = PUBLIC_URL.set(public_url(session, plan, plan_kind, number, locale) or "")
        try:
            return kind.render(context)
        finally:
            PUBLIC_URL.reset(public)
            REPORT_FORMAT.reset(output)
            PRINTED_REVISION.reset(printing)
