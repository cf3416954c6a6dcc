"""Signing in and out, the language switcher, the home page and the admins' municipality switcher."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user

from core.db import get_session
from core.i18n import LOCALES
from core.models import Role
from core.services import accounts
from core.services.accounts import authenticate, municipality_by_slug
from core.web.forms import LoginForm

bp = Blueprint("auth", __name__)


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site: an open redirect would let a link send users elsewhere."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm(request.form if request.method == "POST" else None)
    error = None
    if request.method == "POST" and form.validate():
        user = authenticate(get_session(), form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            accounts.record_sign_in(get_session(), user)
            if user.locale in LOCALES:
                session["locale"] = user.locale
            return redirect(safe_next(request.args.get("next"), url_for("auth.home")))
        accounts.record_sign_in_failed(get_session(), form.email.data)
        error = _("The e-mail address or the password is wrong, or the account is deactivated.")
    return render_template("auth/login.html", form=form, error=error), 200 if error is None else 401


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        accounts.record_sign_out(get_session(), current_user)
    logout_user()
    session.pop("locale", None)
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/locale", methods=["POST"])
def set_locale():
    """Remember the language in the session and, for a signed-in user, on the account."""
    locale = request.form.get("locale", "")
    if locale not in LOCALES:
        abort(400)
    session["locale"] = locale
    if current_user.is_authenticated:
        accounts.set_user_locale(get_session(), current_user, locale)
        get_session().commit()
    refresh()
    return redirect(safe_next(request.form.get("next"), url_for("auth.home")))


@bp.route("/")
@login_required
def home():
    if current_user.role == Role.ADMIN:
        return redirect(url_for("admin.municipalities"))
    if current_user.municipality is None:
        abort(404)
    return redirect(url_for("dashboard.index", municipality=current_user.municipality.slug))


@bp.route("/switch")
@login_required
def switch_municipality():
    """The admins' municipality switcher: a plain GET form, so it works without JavaScript."""
    if current_user.role != Role.ADMIN:
        abort(403)
    municipality = municipality_by_slug(get_session(), request.args.get("municipality", ""))
    if municipality is None:
        abort(404)
    return redirect(url_for("dashboard.index", municipality=municipality.slug))
