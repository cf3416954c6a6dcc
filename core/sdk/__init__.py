"""socialplan's plugin SDK: the only part of socialplan a plugin imports.

A plugin (a package registered in the ``socialplan.plugins`` entry-point group) imports from
``core.sdk`` and its submodules, never from another ``core`` module: those are core's internals
and change without notice. ``make test`` checks this with import-linter (``.importlinter``).

Versioning and deprecation:

- :data:`SDK_VERSION` is ``"<major>.<minor>"``. Adding a name, a hook, or an optional hook argument
  is a minor version. A plugin checks what it needs with :func:`require_sdk`.
- A name leaves the SDK only after one minor version in which using it gives a
  ``DeprecationWarning`` that names its replacement; then the major version goes up.
- Hooks follow the same rule: a hook argument is never removed or renamed within a major version.

This module holds the hook marker, the value types a hook returns, the context a hook gets, the
translation and formatting functions and the plan document's values. Submodules: :mod:`core.sdk.forms`,
:mod:`core.sdk.reports`, :mod:`core.sdk.documents`, :mod:`core.sdk.plans`, :mod:`core.sdk.web`, :mod:`core.sdk.cli`,
:mod:`core.sdk.models`, :mod:`core.sdk.rows`, :mod:`core.sdk.providers`, :mod:`core.sdk.audit`, :mod:`core.sdk.backup`,
:mod:`core.sdk.demo`, :mod:`core.sdk.testing`. The hooks themselves are documented in
``docs/plugin-sdk.md`` (from :mod:`core.hookspecs`).
"""

from __future__ import annotations

from core.hookspecs import hookimpl
from core.i18n import (
    LOCALES,
    InLanguage,
    NumberError,
    current_locale,
    format_date,
    format_decimal,
    format_money,
    format_number,
    format_percent,
    parse_integer,
    translated,
    translations_for,
    written_in,
)
from core.interchange import DocumentError, decimal_from_json, decimal_to_json, document_decimal
from core.limits import COUNT_MAX, DB_INTEGER_MAX
from core.periods import PERMANENT_LABEL, RECURRENCE_LABELS, period_text
from core.plugin_api import (
    Column,
    DashboardPanel,
    Finding,
    FundingSource,
    Jurisdiction,
    MunicipalityRegister,
    Nomenclature,
    NomenclatureEntry,
    PlanKind,
    ReferenceMunicipality,
    ReportKind,
    RowType,
    SectionFormSpec,
    SectionSpec,
    Severity,
    ValidationContext,
    WorkflowStep,
)
from core.plugin_context import PluginContext
from core.plugin_manager import Registry
from core.text import clean_value

SDK_VERSION = "1.3"
"""The SDK's version, ``"<major>.<minor>"`` (see the deprecation rule above)."""


class SDKVersionError(RuntimeError):
    """The running socialplan's SDK is older than, or of another major version than, a plugin needs."""


def require_sdk(version: str) -> None:
    """Raise :class:`SDKVersionError` unless this SDK provides ``version`` (same major, minor at least)."""
    have = tuple(int(part) for part in SDK_VERSION.split("."))
    want = tuple(int(part) for part in version.split("."))
    if have[0] != want[0] or have[1] < want[1]:
        raise SDKVersionError(f"this plugin needs socialplan SDK {version}; socialplan provides {SDK_VERSION}")


# One line per name for docs/plugin-sdk.md (None: the object's own docstring says it).
DOCS = {
    "DB_INTEGER_MAX": "the largest whole number an INTEGER column keeps (ids, counts a plugin stores)",
    "COUNT_MAX": 'the largest count (people, places) a form or an import accepts',
    "LOCALES": "the languages socialplan speaks: ('en', 'sv', 'ro')",
    "SDK_VERSION": "the SDK's version, \"<major>.<minor>\" (see the deprecation rule)",
    "PERMANENT_LABEL": "a form's word for a period that lasts all year ('Permanent', 'Löpande')",
    "RECURRENCE_LABELS": "a form's words for each recurrence a period allows ('monthly' -> 'Lunar' ...)",
    "Column": "a column of a section's table",
    "DashboardPanel": "a panel on a municipality's dashboard",
    "InLanguage": None,
    "DocumentError": 'a plan document refused, with the JSON path of the problem',
    "Finding": 'one result of a validation rule',
    "FundingSource": "a budget's funding source",
    "Jurisdiction": "a country's (or region's) rule set",
    "MunicipalityRegister": None,
    "ReferenceMunicipality": None,
    "Nomenclature": "a jurisdiction's list of service codes",
    "NomenclatureEntry": 'one code of a nomenclature',
    "NumberError": "a number typed in a way the user's language does not write it",
    "PlanKind": 'a kind of plan: its sections, statuses and workflow',
    "PluginContext": 'what a hook, view or command gets from core',
    "Registry": 'what every plugin provides (plan kinds, report kinds ...), as context.registry',
    "ReportKind": 'a PDF report a plugin renders',
    "RowType": "which core table keeps a section's rows",
    "SDKVersionError": None,
    "SectionFormSpec": 'the form of one row of a section',
    "SectionSpec": 'a section of a plan kind',
    "Severity": 'error, warning or info',
    "ValidationContext": 'what a rule gets besides the document',
    "WorkflowStep": "a step of a plan kind's workflow",
    "clean_value": 'text as core stores it (control characters and lone surrogates out)',
    "current_locale": 'the language of the request, report or command',
    "decimal_from_json": 'a decimal of the plan document, checked',
    "decimal_to_json": 'a Decimal as the plan document writes it ("66361.82")',
    "document_decimal": "a document's decimal string back as a Decimal (None stays None)",
    "format_date": "a date in the reader's language",
    "format_decimal": "a decimal in the reader's language",
    "format_money": "an amount with its currency in the reader's language",
    "format_number": "a whole number in the reader's language",
    "format_percent": "a percentage in the reader's language",
    "hookimpl": 'the marker of a hook implementation',
    "parse_integer": "a whole number typed in the user's language",
    "period_text": "a campaign's or a meeting's period in words, the way every page, export and report says it",
    "require_sdk": None,
    "translated": "a translatable value ({'sv': ..., 'en': ...}) in the current language",
    "translations_for": "a plugin's own gettext functions (its i18n.py makes them)",
    "written_in": "translated, with the language of the text it chose (an InLanguage): a report cell or paragraph "
                  "of it hyphenates by that language's rules; since 1.3",
}

__all__ = [
    "COUNT_MAX",
    "DB_INTEGER_MAX",
    "LOCALES",
    "PERMANENT_LABEL",
    "RECURRENCE_LABELS",
    "SDK_VERSION",
    "Column",
    "DashboardPanel",
    "DocumentError",
    "Finding",
    "FundingSource",
    "InLanguage",
    "Jurisdiction",
    "MunicipalityRegister",
    "Nomenclature",
    "NomenclatureEntry",
    "NumberError",
    "PlanKind",
    "PluginContext",
    "ReferenceMunicipality",
    "Registry",
    "ReportKind",
    "RowType",
    "SDKVersionError",
    "SectionFormSpec",
    "SectionSpec",
    "Severity",
    "ValidationContext",
    "WorkflowStep",
    "clean_value",
    "current_locale",
    "decimal_from_json",
    "decimal_to_json",
    "document_decimal",
    "format_date",
    "format_decimal",
    "format_money",
    "format_number",
    "format_percent",
    "hookimpl",
    "parse_integer",
    "period_text",
    "require_sdk",
    "translated",
    "translations_for",
    "written_in",
]
