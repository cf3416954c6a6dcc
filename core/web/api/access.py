"""Who calls the API, and which plans it may read or change: the web's tenancy rules, for tokens.

The token's user, seen through the token's scope (:class:`TokenUser`: the token's role and municipality),
becomes Flask-Login's ``current_user`` for the request (``g._login_user``), so the rules in
:mod:`core.web.tenancy` apply unchanged. A session cookie never authenticates an API call: that is what
makes the API safe without CSRF tokens.
"""

from __future__ import annotations

from typing import Any

from flask import abort, g, request
from flask_babel import gettext as _

from core.db import get_session
from core.models import AnnualPlan, ApiToken, Municipality, User
from core.plugin_api import PlanKind
from core.services.credentials import use_token
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


class TokenUser:
    """A user as a token lets it act: the token's role and municipality (never more than the user's, see
    :func:`core.services.credentials.check_scope`); everything else is the user's."""

    def __init__(self, user: User, token: ApiToken) -> None:
        self._user, self.token = user, token

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        # Code that asks whether it was given a User (the audit trail: who acted) gets a yes, as it does of
        # Flask-Login's current_user proxy.
        return User

    @property
    def role(self) -> str:
        return self.token.role

    @property
    def municipality(self) -> Municipality | None:
        return self.token.municipality

    @property
    def municipality_id(self) -> int | None:
        return self.token.municipality_id

    def __getattr__(self, name: str) -> Any:
        return getattr(self._user, name)


def authenticate() -> TokenUser:
    """The user of the request's bearer token, within the token's scope; 401 when the token is missing,
    unknown, revoked or expired, or its account is deactivated."""
    secret = bearer_token()
    if secret is None:
        raise ApiError(401, _("An API token is required: send the header 'Authorization: Bearer <token>'."))
    found = use_token(get_session(), secret)
    if found.token is None:
        raise ApiError(401, found.refusal, invalid_token=True)
    user = TokenUser(found.token.user, found.token)
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
