"""The web layer: blueprints, login, CSRF and tenancy checks."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, render_template, request
from flask_babel import gettext as _
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from markupsafe import Markup, escape
from sqlalchemy import select

from core.db import get_session
from core.i18n import current_locale, locale_display_name, translated
from core.models import Municipality, Role
from core.plugin_manager import Registry
from core.text import safe_output

csrf = CSRFProtect()


def tr(value: dict[str, str] | str | None, fallback: str | None = None, in_table: bool = False,
       quiet: bool = False) -> Markup:
    """Translatable content in the current language; a value that falls back to another language
    is marked with its language, visibly and for screen readers (``lang``).

    The marker is said once per value and page: beside its first showing (later ones are in italics
    only), or, for the cells of a table (``in_table``), by one note for the whole page
    (:func:`fallback_note`), not on every cell; ``quiet`` (the header's municipality name) never says it.
    A value without a letter ('3', '1.') reads the same in every language and is never marked."""
    if not value:
        return Markup("")
    if isinstance(value, str):
        return escape(value)
    locale = current_locale()
    if value.get(locale):
        return escape(value[locale])
    municipality = getattr(g, "municipality", None)
    fallback = fallback or (municipality.default_locale if municipality is not None else None)
    source = fallback if fallback and value.get(fallback) else next((k for k, v in value.items() if v), None)
    if source is None:
        return Markup("")
    text = str(value[source])
    if not any(character.isalpha() for character in text):
        return escape(text)
    marked = g.setdefault("fallbacks_marked", set())
    if in_table:
        g.setdefault("fallback_languages", set()).add(source)
    if in_table or quiet or (source, text) in marked:
        return Markup('<span class="fallback" lang="{lang}">{text}</span>').format(lang=source, text=text)
    marked.add((source, text))
    label = _("not translated, shown in %(language)s", language=locale_display_name(source))
    return Markup('<span class="fallback" lang="{lang}">{text} <span class="fallback-label" lang="{ui}">({label})'
                  "</span></span>").format(lang=source, text=text, ui=locale, label=label)


def tr_cell(value: dict[str, str] | str | None, fallback: str | None = None) -> Markup:
    """:func:`tr` for a table's cell: a fallback in italics, said once by the page's note."""
    return tr(value, fallback, in_table=True)


def fallback_note() -> str:
    """The page's one note on the table cells shown in another language ('' when there are none)."""
    sources = sorted(getattr(g, "fallback_languages", ()))
    if not sources:
        return ""
    return _("Texts in italics in the tables are not translated into %(language)s; they are shown in %(sources)s.",
             language=locale_display_name(current_locale()), sources=", ".join(map(locale_display_name, sources)))


def _template_context() -> dict[str, Any]:
    context: dict[str, Any] = {"municipality": getattr(g, "municipality", None)}
    if current_user.is_authenticated and current_user.role == Role.ADMIN:
        context["all_municipalities"] = list(get_session().scalars(select(Municipality).order_by(Municipality.slug)))
    return context


def _url_defaults(endpoint: str, values: dict[str, Any]) -> None:
    """Fill ``<municipality>`` from the current request, so templates need not pass it."""
    municipality = getattr(g, "municipality", None)
    if municipality is not None and "municipality" not in values:
        from flask import current_app

        if current_app.url_map.is_endpoint_expecting(endpoint, "municipality"):
            values["municipality"] = municipality.slug


def _touch_user() -> None:
    # Load the signed-in user before the locale is chosen: select_locale reads g._login_user. The public pages
    # (core.web.public) are nobody's: they never read the session.
    if request.endpoint != "static" and request.blueprint != "public":
        _ = current_user.is_authenticated


def _error(code: int, title: str, message: str):
    return render_template("errors/error.html", code=code, title=title, message=message), code


def _api_or(page):
    """An error handler: under /api/ the API's JSON answer, else ``page``. A URL that no route matches (an API year
    outside 1990..2100) or a method a route lacks fails before any blueprint is known, so the app answers it."""

    def handle(error):
        if request.path.startswith("/api/"):
            from core.web.api import http_error

            return http_error(error)
        return page(error)

    return handle


def _register_errors(app: Flask) -> None:
    app.register_error_handler(403, lambda e: _error(403, _("Not allowed"),
                                                     _("Your account may not do this.")))
    app.register_error_handler(404, _api_or(lambda e: _error(
        404, _("Page not found"), _("There is no such page, or it is not available to you."))))
    app.register_error_handler(405, _api_or(lambda e: e))
    from core.web.auth import too_many_attempts

    app.register_error_handler(429, too_many_attempts)
    app.register_error_handler(CSRFError, lambda e: _error(
        400, _("The form has expired"), _("The form was not accepted because its security token is missing or "
                                          "expired. Go back, reload the page and send it again.")))


def _register_template_globals(app: Flask) -> None:
    # Globals rather than a context processor: imported macros see globals, not the context.
    from core.facts import fact_label
    from core.interchange import value_at
    from core.services.tables import column_value
    from core.web.forms import layout_of
    from core.web.helpers import (
        SEVERITY_LABELS,
        columns_of,
        country_name,
        describe_action,
        field_anchor,
        fields_in_translation_order,
        format_cell,
        format_fact,
        plugin_label,
        row_budget_total,
        status_label,
        translation_order,
        workflow_hint,
    )
    from core.web.plans import format_datetime

    app.jinja_env.globals.update(
        translated=translated, tr=tr, tr_cell=tr_cell, fallback_note=fallback_note,
        layout_of=layout_of, status_label=status_label, format_cell=format_cell,
        field_anchor=field_anchor, value_at=value_at, column_value=column_value, columns_of=columns_of,
        row_budget_total=row_budget_total,
        format_datetime=format_datetime, severity_label=lambda severity: str(SEVERITY_LABELS.get(severity, severity)),
        describe_action=describe_action, fact_label=fact_label, format_fact=format_fact,
        plugin_label=plugin_label, country_name=country_name, translation_order=translation_order,
        fields_in_translation_order=fields_in_translation_order, workflow_hint=workflow_hint,
    )


def init_app(app: Flask, registry: Registry) -> None:
    from core.web import routing, security, sessions

    routing.init_app(app)  # first: the routes below are made with its bounded <int:...>
    sessions.configure(app)
    security.init_app(app)
    login_manager = LoginManager(app)
    login_manager.user_loader(sessions.load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    csrf.init_app(app)
    app.jinja_env.finalize = safe_output  # every page survives text stored before core.text's rule
    app.before_request(_touch_user)
    app.context_processor(_template_context)
    app.url_defaults(_url_defaults)
    _register_template_globals(app)
    _register_errors(app)

    from core.web import admin, auth, dashboard, plans

    for blueprint in (auth.bp, dashboard.bp, plans.bp, admin.bp):
        app.register_blueprint(blueprint)
    security.limit_sign_in(app, "auth.login")
    from core.web import api, tables  # the JSON API (token auth, exempt from CSRF) and table downloads/uploads

    api.init_app(app)
    app.register_blueprint(tables.bp)
    from core.web.plugins import register_blueprints

    register_blueprints(app, registry)  # each wrapped: sign-in, tenancy, the plugin's enabled check, roles
    from core.web import public

    public.init_app(app)  # the published municipalities' adopted plans, for anyone (issue 15)
    from core.web import council_texts

    council_texts.init_app(app)  # the council documents' wording page and the download lists' global (issue 15)
