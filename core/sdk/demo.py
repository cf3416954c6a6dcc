"""Demo data: a plugin's ``socialplan_demo_data`` makes its municipalities and accounts with these."""

from __future__ import annotations

from core.demo import DEMO_ADMIN, DEMO_PASSWORD, ensure_municipality, ensure_user
from core.services.accounts import municipality_by_slug

# One line per name for docs/plugin-sdk.md (None: the object's own docstring says it).
DOCS = {
    "DEMO_ADMIN": "the demo administrator's e-mail",
    "DEMO_PASSWORD": "every demo account's password",
    "ensure_municipality": 'the demo municipality, created with its plugins enabled when missing',
    "municipality_by_slug": 'the municipality with this slug, or None',
    "ensure_user": 'the demo account, created when missing',
}

__all__ = [
    "DEMO_ADMIN",
    "DEMO_PASSWORD",
    "ensure_municipality",
    "ensure_user",
    "municipality_by_slug",
]
