"""Signing in and out, the language switcher, the home page and the admins' municipality switcher."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from flask_login import current_user, login_required
from wtforms import Form, PasswordField
from wtforms.validators import DataRequired

from core.db import get_session
from core.i18n import LOCALES
from core.models import Role
from core.services import accounts
from core.services.accounts import authenticate, municipality_by_slug
from core.web import sessions as login_sessions
from core.web.forms import LoginForm, attach_error

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
            login_sessions.start(user)
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
    login_sessions.sign_out()
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


class PasswordChangeForm(Form):
    current_password = PasswordField(_l("Current password"), [DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"), [DataRequired()], render_kw={"autocomplete": "new-password"})
    repeat_password = PasswordField(_l("New password again"), [DataRequired()],
                                    render_kw={"autocomplete": "new-password"})


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """A new password for the signed-in account; every other session of the account ends, this one goes on."""
    from core.services.credentials import CredentialError
    from core.services.credentials import change_password as set_new_password

    form = PasswordChangeForm(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        session_db = get_session()
        user = current_user._get_current_object()
        try:
            set_new_password(session_db, user, form.current_password.data, form.new_password.data,
                             form.repeat_password.data)
        except CredentialError as error:
            session_db.rollback()
            attach_error(form, error.field, str(error))
        else:
            session_db.commit()
            locale = session.get("locale")
            login_sessions.start(user)  # this browser signs in again under the new session version
            if locale:
                session["locale"] = locale
            flash(_("Your password was changed. Every other session of your account has ended."), "success")
            return redirect(url_for("auth.home"))
    return render_template("auth/password.html", form=form), 422 if request.method == "POST" else 200


def too_many_attempts(_error):
    """A sign-in refused by the limit on failed attempts: the form again, with what to do (429)."""
    form = LoginForm(request.form)
    message = _("Too many failed sign-in attempts. Wait 15 minutes and try again, or ask an administrator.")
    return render_template("auth/login.html", form=form, error=message), 429
