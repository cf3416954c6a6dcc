"""What a plugin's own tables build on: the declarative base and the core rows they may reference.

A plugin's table references core's rows by foreign key only (``municipality.id``, ``annual_plan.id``,
``provider.id``); it changes them through the SDK's service functions, never by writing them.
"""

from __future__ import annotations

from core.db import Base
from core.models import AnnualPlan, Municipality, Provider, Translated, utcnow

# One line per name for docs/plugin-sdk.md (None: the object's own docstring says it).
DOCS = {
    "AnnualPlan": "a municipality's plan of one kind for one year",
    "Base": "the declarative base every table of socialplan (core's and plugins') maps on",
    "Municipality": 'a municipality, with the plugins it enabled',
    "Provider": "a provider of services of a municipality (core's row; see core.sdk.providers)",
    "Translated": "a column type: one text per locale ({'sv': ..., 'en': ...})",
    "utcnow": 'the time now, in UTC, as columns keep it',
}

__all__ = [
    "AnnualPlan",
    "Base",
    "Municipality",
    "Provider",
    "Translated",
    "utcnow",
]
