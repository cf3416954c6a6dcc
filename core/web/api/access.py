"""Who calls the API, and which plans it may read or change: the web's tenancy rules, for tokens.

The token user becomes Flask-Login's ``current_user`` for the request (``g._login_user``), so the
rules in :mod:`core.web.tenancy` apply unchanged. A session cookie never authenticates an API call:
that is what makes the API safe without CSRF tokens.
"""

from __future__ import annotations

from typing import Any

from flask import abort, g, request
from flask_babel import gettext as _

from core.db import get_session
from core.models import AnnualPlan, User
from core.plugin_api import PlanKind
from core.services.accounts import user_by_api_token
from core.services.plans import find_plan
from core.web import tenancy


class ApiError(Exception):
    """An answer other than success, as JSON: ``{"error": message, "field": ..., ...}``."""

    def __init__(self, status: int, message: str, field: str = "", **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.field, self.extra = status, message, field, extra

    def payload(self) -> dict[str, Any]:
        return {"error": self.message, "field": self.field, **self.extra}


def bearer_token() -> str | None:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def authenticate() -> User:
    """The user of the request's bearer token; 401 when it is missing, unknown or deactivated."""
    token = bearer_token()
    if token is None:
        raise ApiError(401, _("An API token is required: send the header 'Authorization: Bearer <token>'."))
    user = user_by_api_token(get_session(), token)
    if user is None:
        raise ApiError(401, _("The API token is not valid."), invalid_token=True)
    g._login_user = user  # Flask-Login's current_user for this request, never stored in a session
    return user


def load_plan_by_key(slug: str, year: int, kind: str, edit: bool = False) -> tuple[AnnualPlan, PlanKind]:
    """A plan by municipality, year and kind, under the web's rules (:func:`core.web.tenancy.authorize_plan`);
    another tenant's plan answers 404."""
    municipality = tenancy.load_municipality(slug)
    plan = find_plan(get_session(), municipality, year, kind)
    if plan is None:
        abort(404)
    return plan, tenancy.authorize_plan(plan, edit)
