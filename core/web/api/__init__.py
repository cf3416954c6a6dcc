"""The JSON API under /api/v1: plans, sections and rows, findings and reports, for integrations.

Every call but the OpenAPI document carries ``Authorization: Bearer <token>`` (tokens come from
:func:`core.services.accounts.issue_api_token`) and is held to the web's rules (see
:mod:`core.web.api.access`). Errors are JSON: ``{"error": "<translated message>", "field": "..."}``.
Rows have the shape of the plan document's rows (core/schemas/plan-v1.schema.json); the OpenAPI
document at /api/v1/openapi.json is generated from the routes by :mod:`core.web.api.openapi`.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from core.db import get_session
from core.web.api.access import ApiError, authenticate

bp = Blueprint("api", __name__, url_prefix="/api/v1")
PUBLIC_ENDPOINTS = {"api.openapi_document"}

HTTP_MESSAGES = {
    400: lambda: _("The request is not valid."),
    403: lambda: _("Your account may not do this."),
    404: lambda: _("There is no such resource, or it is not available to you."),
    405: lambda: _("This method is not allowed here."),
    413: lambda: _("The request is too large."),
}


@bp.before_request
def _authenticate() -> None:
    if request.endpoint not in PUBLIC_ENDPOINTS:
        authenticate()


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    response = jsonify(error.payload())
    response.status_code = error.status
    if error.status == 401:
        challenge = 'Bearer realm="socialplan"'
        if error.extra.get("invalid_token"):
            challenge += ', error="invalid_token"'
        response.headers["WWW-Authenticate"] = challenge
    get_session().rollback()
    return response


def http_error(error: HTTPException):
    """An HTTP error as the API's JSON (core.web answers routing errors under /api/ with it too)."""
    message = HTTP_MESSAGES.get(error.code or 500, lambda: error.name)()
    return _api_error(ApiError(error.code or 500, message))


# By code as well: Flask prefers the app's handler for a code over a blueprint's for HTTPException.
bp.register_error_handler(HTTPException, http_error)
for _code in HTTP_MESSAGES:
    bp.register_error_handler(_code, http_error)


def init_app(app) -> None:
    """Register the blueprint; the API authenticates by token, so Flask-WTF's CSRF check is off for it."""
    from core.web import csrf
    from core.web.api import views  # noqa: F401  (registers the routes on bp)

    csrf.exempt(bp)
    app.register_blueprint(bp)
