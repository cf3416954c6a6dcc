"""What lets someone act as an account: its password, its signed-in sessions and its API tokens.

A session carries the account's ``session_version`` (see :meth:`core.models.User.get_id`); raising it
(:func:`end_sessions`) ends every session of the account at their next request. An API token acts for its
user within a scope (a role, and a municipality for anyone but an administrator) that is never more than
the user's: checked when the token is issued and again each time it is used, so a token of an account
that lost rights stops working too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from core.models import ApiToken, Municipality, Role, User, utcnow
from core.services.audit import actor, record

ROLE_RANK = {Role.VIEWER: 0, Role.PLANNER: 1, Role.ADMIN: 2}
TOKEN_DAYS_DEFAULT = 90
TOKEN_DAYS_MAX = 366
TOKEN_NAME_MAX = 120
# How often a token's last use is written: not on every call, which would make every API read a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)

_dummy_hash: str | None = None


class CredentialError(Exception):
    """A token or password change that cannot be made; the message is for the user, ``field`` names the input."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


# --- passwords and sessions --------------------------------------------------------------------


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no hash (an unknown account) a dummy hash of the same kind is
    checked, so an unknown account costs as long as a known one and the time taken tells none apart."""
    global _dummy_hash
    if password_hash is None:
        if _dummy_hash is None:
            from core.services.accounts import hash_password

            _dummy_hash = hash_password(secrets.token_urlsafe(16))
        check_password_hash(_dummy_hash, password)
        return False
    return check_password_hash(password_hash, password)


def end_sessions(user: User) -> None:
    """End every signed-in session of ``user`` (they are refused from their next request on)."""
    user.session_version = (user.session_version or 0) + 1


def change_password(session: Session, user: User, current: str, new: str, repeated: str) -> None:
    """Set a new password after checking the current one; every session of the account ends."""
    from core.services.accounts import MIN_PASSWORD_LENGTH, hash_password

    if not verify_password(user.password_hash, current):
        raise CredentialError(_("The current password is wrong."), "current_password")
    if len(new) < MIN_PASSWORD_LENGTH:
        raise CredentialError(_("The password must have at least %(count)s characters.", count=MIN_PASSWORD_LENGTH),
                              "new_password")
    if new != repeated:
        raise CredentialError(_("The two new passwords are not the same."), "repeat_password")
    user.password_hash = hash_password(new)
    end_sessions(user)
    record(session, user=user, municipality=user.municipality_id, action="account.password-changed",
           subject=f"user:{user.id}")
    session.flush()


# --- API tokens --------------------------------------------------------------------------------


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_scope(user: User, role: str, municipality: Municipality | None) -> None:
    """Refuse a scope beyond ``user``'s rights: a higher role, another municipality, or an administrator's
    role tied to one municipality (an administrator's rights are over every municipality)."""
    if role not in ROLE_RANK:
        raise CredentialError(_("The role must be admin, planner or viewer."), "role")
    if ROLE_RANK[Role(role)] > ROLE_RANK.get(Role(user.role), -1):
        raise CredentialError(_("A token cannot have more rights than its account."), "role")
    if role == Role.ADMIN:
        if municipality is not None:
            raise CredentialError(_("An administrator's token covers every municipality: choose none, or the "
                                    "role planner or council viewer."), "municipality")
        return
    if municipality is None:
        raise CredentialError(_("A planner's or council viewer's token belongs to a municipality."), "municipality")
    if user.role != Role.ADMIN and municipality.id != user.municipality_id:
        raise CredentialError(_("A token cannot reach another municipality than its account's."), "municipality")


def issue_token(
    session: Session, user: User, *, role: str | None = None, municipality: Municipality | None = None,
    name: str = "", days: int = TOKEN_DAYS_DEFAULT,
) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its secret, shown once (only its digest is kept). Without a role the token
    has the account's own scope: its role and municipality."""
    if role is None:
        role, municipality = user.role, (None if user.role == Role.ADMIN else user.municipality)
    name = name.strip()
    if len(name) > TOKEN_NAME_MAX:
        raise CredentialError(_("A name may have at most %(count)s characters.", count=TOKEN_NAME_MAX), "name")
    if not 1 <= days <= TOKEN_DAYS_MAX:
        raise CredentialError(_("A token is valid for 1 to %(count)s days.", count=TOKEN_DAYS_MAX), "days")
    if not user.active:
        raise CredentialError(_("A deactivated account cannot have API tokens."), "")
    check_scope(user, role, municipality)
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(token_hash=token_digest(secret), user=user, role=role, municipality=municipality, name=name,
                     created_at=now, expires_at=now + dt.timedelta(days=days))
    session.add(token)
    session.flush()
    record(session, user=actor(), municipality=token.municipality_id or user.municipality_id,
           action="user.token-issued", subject=f"user:{user.id}",
           detail={"email": user.email, "name": name, "role": role,
                   "municipality": municipality.slug if municipality else None, "expires": token.expires_at})
    return token, secret


def revoke_token(session: Session, token: ApiToken) -> bool:
    """Revoke ``token`` at once; False when it was revoked already."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    record(session, user=actor(), municipality=token.municipality_id or token.user.municipality_id,
           action="user.token-revoked", subject=f"user:{token.user_id}",
           detail={"email": token.user.email, "name": token.name})
    session.flush()
    return True


def token_state(token: ApiToken, now: dt.datetime | None = None) -> str:
    """``"revoked"``, ``"expired"`` or ``"active"``."""
    if token.revoked_at is not None:
        return "revoked"
    return "expired" if token.expires_at <= (now or utcnow()) else "active"


def tokens(session: Session, user: User | None = None) -> list[ApiToken]:
    """Every token (of ``user``), newest first."""
    query = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(session.scalars(query))


@dataclass
class TokenUse:
    """The outcome of presenting a token: its row, or why it is refused (``refusal``: a translated sentence)."""

    token: ApiToken | None
    refusal: str = ""


def use_token(session: Session, secret: str) -> TokenUse:
    """The token of ``secret`` if it may act now, its last use recorded; else the reason it may not."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(secret)))
    if token is None or not token.user.active:
        return TokenUse(None, _("The API token is not valid."))
    now = utcnow()
    state = token_state(token, now)
    if state == "revoked":
        return TokenUse(None, _("The API token has been revoked."))
    if state == "expired":
        return TokenUse(None, _("The API token has expired."))
    try:
        check_scope(token.user, token.role, token.municipality)
    except CredentialError:
        return TokenUse(None, _("The API token has more rights than its account has now."))
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        session.commit()  # before the request's own work, which may roll back
    return TokenUse(token)
