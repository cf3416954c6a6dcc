"""Signed-in sessions that end: on sign-out, a new password or deactivation (every session of the account), after
``SESSION_IDLE_TIMEOUT`` seconds without a request and ``SESSION_ABSOLUTE_TIMEOUT`` seconds after signing in.

The session cookie is signed, not stored on the server, so a copy of it cannot be deleted: instead it carries the
account's session version (``"<id>:<version>"``, :meth:`core.models.User.get_id`) and the times of sign-in and of
the last request, and :func:`load_user` refuses it when the version moved on or a time ran out.
"""

from __future__ import annotations

import time

from flask import current_app, flash, session
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from sqlalchemy.orm import joinedload

from core.db import get_session
from core.models import Municipality, User

SIGNED_IN_AT = "_signed_in_at"
SEEN_AT = "_seen_at"
# The last request's time is written back at most this often: a cookie set on every response is wasted bytes.
SEEN_RESOLUTION = 30  # seconds
DEFAULT_IDLE_TIMEOUT = 30 * 60
DEFAULT_ABSOLUTE_TIMEOUT = 12 * 60 * 60


def configure(app) -> None:
    app.config.setdefault("SESSION_IDLE_TIMEOUT", DEFAULT_IDLE_TIMEOUT)
    app.config.setdefault("SESSION_ABSOLUTE_TIMEOUT", DEFAULT_ABSOLUTE_TIMEOUT)


def start(user: User) -> None:
    """Sign ``user`` in on a fresh session (nothing of the anonymous one carries over)."""
    session.clear()
    login_user(user)
    session[SIGNED_IN_AT] = session[SEEN_AT] = int(time.time())


def sign_out() -> None:
    """Sign out here, and end every other session of the account too (a copy of this cookie among them)."""
    from flask_login import current_user

    from core.services.credentials import end_sessions

    if current_user.is_authenticated:
        end_sessions(current_user._get_current_object())
        get_session().commit()
    logout_user()
    session.clear()


def _expired(now: int) -> bool:
    signed_in, seen = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in, int) or not isinstance(seen, int):
        return True
    idle, absolute = current_app.config["SESSION_IDLE_TIMEOUT"], current_app.config["SESSION_ABSOLUTE_TIMEOUT"]
    return bool((idle and now - seen > idle) or (absolute and now - signed_in > absolute))


def _refuse() -> None:
    session.clear()
    flash(_("Your session has ended. Sign in again."), "info")


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the session's account, if its version and times still hold."""
    account, _sep, version = user_id.partition(":")
    if not account.isdigit() or not version.isdigit():
        _refuse()
        return None
    # One query: the municipality and its plugins joined (every page of a municipality reads both).
    user = get_session().get(User, int(account),
                             options=[joinedload(User.municipality).joinedload(Municipality.plugins)])
    now = int(time.time())
    if user is None or not user.active or user.session_version != int(version) or _expired(now):
        _refuse()
        return None
    if now - session[SEEN_AT] >= SEEN_RESOLUTION:
        session[SEEN_AT] = now
    return user
