"""Municipalities, their plugins, and user accounts."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from core.limits import EMAIL_MAX
from core.models import Municipality, MunicipalityPlugin, Role, User
from core.plugin_manager import Registry
from core.services.audit import Actor, actor, changes, record

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
MIN_PASSWORD_LENGTH = 10


class AccountError(Exception):
    """A change to accounts or municipalities that cannot be made; the message is for the user."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def municipality_by_slug(session: Session, slug: str) -> Municipality | None:
    return session.scalar(select(Municipality).where(Municipality.slug == slug))


def create_municipality(
    session: Session, slug: str, name: dict[str, str], country: str, default_locale: str, currency: str,
    official_code: str | None = None, region: str | None = None,
) -> Municipality:
    """A new municipality; ``official_code`` and ``region`` are its entry in its country's register (hook
    ``socialplan_municipality_register``), checked by the caller against that register."""
    if not SLUG.match(slug):
        raise AccountError(_("A short name may hold only lower-case letters, digits and hyphens."), "slug")
    if municipality_by_slug(session, slug) is not None:
        raise AccountError(_("A municipality with this short name already exists."), "slug")
    _check_official_code(session, country.upper(), official_code, None)
    municipality = Municipality(slug=slug, name=name, country=country.upper(), default_locale=default_locale,
                                currency=currency.upper(), official_code=official_code or None, region=region or None)
    session.add(municipality)
    session.flush()
    detail = {"name": name, "slug": slug, "country": municipality.country, "default_locale": default_locale,
              "currency": municipality.currency}
    if official_code:
        detail.update(official_code=official_code, region=region or "")
    record(session, user=actor(), municipality=municipality, action="municipality.created",
           subject=f"municipality:{municipality.id}", detail=detail)
    return municipality


def _check_official_code(session: Session, country: str, code: str | None, own_id: int | None) -> None:
    """One municipality per register entry: a second one with the same code is refused beside the field."""
    if not code:
        return
    other = session.scalar(select(Municipality).where(Municipality.country == country,
                                                      Municipality.official_code == code))
    if other is not None and other.id != own_id:
        raise AccountError(_("The municipality %(slug)s already has this official code.", slug=other.slug),
                           "official_code")


def update_municipality(
    session: Session, municipality: Municipality, name: dict[str, str], default_locale: str, currency: str,
    official_code: str | None, region: str | None,
) -> None:
    """Change what an administrator may change of a municipality (its short name and country stay)."""
    _check_official_code(session, municipality.country, official_code, municipality.id)
    before = {"name": municipality.name, "default_locale": municipality.default_locale,
              "currency": municipality.currency, "official_code": municipality.official_code or "",
              "region": municipality.region or ""}
    after = {"name": name, "default_locale": default_locale, "currency": currency.upper(),
             "official_code": official_code or "", "region": region or ""}
    changed = changes(before, after)
    if not changed:
        return
    municipality.name, municipality.default_locale, municipality.currency = name, default_locale, currency.upper()
    municipality.official_code, municipality.region = official_code or None, region or None
    record(session, user=actor(), municipality=municipality, action="municipality.changed",
           subject=f"municipality:{municipality.id}", detail={"changes": changed})
    session.flush()


def set_plugin_enabled(
    session: Session, registry: Registry, municipality: Municipality, plugin: str, enabled: bool,
    user: User | Actor | None = None,
) -> None:
    """Switch ``plugin`` on or off for ``municipality``; ``user`` is who does it (default: :func:`actor`)."""
    if plugin not in registry.plugin_names:
        raise AccountError(_("There is no plugin named '%(plugin)s'.", plugin=plugin), "plugin")
    current = {p.plugin: p for p in municipality.plugins}
    if enabled == (plugin in current):
        return  # nothing changes, nothing to record
    if enabled:
        municipality.plugins.append(MunicipalityPlugin(plugin=plugin))
    else:
        municipality.plugins.remove(current[plugin])
    record(session, user=user or actor(), municipality=municipality,
           action="plugin.enabled" if enabled else "plugin.disabled", detail={"plugin": plugin},
           subject=f"municipality:{municipality.id}")
    session.flush()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def create_user(
    session: Session, email: str, password: str, role: str, municipality: Municipality | None,
    locale: str | None = None,
) -> User:
    email = email.strip().lower()
    if not EMAIL.match(email) or len(email) > EMAIL_MAX:  # an address has at most 254 characters (RFC 5321)
        raise AccountError(_("Enter a valid e-mail address."), "email")
    if role not in {r.value for r in Role}:
        raise AccountError(_("The role must be admin, planner or viewer."), "role")
    if role != Role.ADMIN and municipality is None:
        raise AccountError(_("A planner or viewer belongs to a municipality."), "municipality")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("The password must have at least %(count)s characters.", count=MIN_PASSWORD_LENGTH),
                           "password")
    if session.scalar(select(User).where(User.email == email)) is not None:
        raise AccountError(_("A user with this e-mail address already exists."), "email")
    user = User(email=email, password_hash=hash_password(password), role=role,
                municipality_id=municipality.id if municipality else None, locale=locale)
    session.add(user)
    session.flush()
    record(session, user=actor(), municipality=municipality, action="user.created", subject=f"user:{user.id}",
           detail={"email": email, "role": role, "municipality": municipality.slug if municipality else None,
                   "locale": locale})
    return user


def update_user(session: Session, user: User, role: str, municipality: Municipality | None, active: bool) -> None:
    """Change an account's role, municipality and whether it may sign in; what changed is recorded."""
    if role not in {r.value for r in Role}:
        raise AccountError(_("The role must be admin, planner or viewer."), "role")
    if role != Role.ADMIN and municipality is None:
        raise AccountError(_("A planner or viewer belongs to a municipality."), "municipality")
    before = {"role": user.role, "municipality": user.municipality.slug if user.municipality else None,
              "active": user.active}
    if user.active and not active:
        from core.services.credentials import end_sessions

        end_sessions(user)  # its sessions end for good: reactivating the account does not bring them back
    user.role, user.active = role, active
    user.municipality_id = municipality.id if municipality else None
    user.municipality = municipality
    changed = changes(before, {"role": role, "municipality": municipality.slug if municipality else None,
                               "active": active})
    if changed:
        record(session, user=actor(), municipality=user.municipality_id, action="user.changed",
               subject=f"user:{user.id}", detail={"email": user.email, "changes": changed})
    session.flush()


def authenticate(session: Session, email: str, password: str) -> User | None:
    from core.services.credentials import verify_password

    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    # The password is checked first, even for an unknown or deactivated account (against a dummy hash):
    # every refusal takes as long, so the time taken does not tell which accounts exist.
    matches = verify_password(user.password_hash if user is not None else None, password)
    if user is None or not user.active or not matches:
        return None
    return user


def issue_api_token(session: Session, user: User) -> str:
    """A new API token with the account's own scope, valid for the default number of days; only its digest
    is stored, so it is shown once (:func:`core.services.credentials.issue_token` chooses a scope)."""
    from core.services.credentials import issue_token

    return issue_token(session, user)[1]


def user_by_api_token(session: Session, token: str) -> User | None:
    """The user a token in force acts for (see :func:`core.services.credentials.use_token`)."""
    from core.services.credentials import use_token

    found = use_token(session, token).token
    return found.user if found is not None else None


# --- signing in and out: recorded and committed at once (the request changes nothing else) ------------


def record_sign_in(session: Session, user: User) -> None:
    record(session, user=user, municipality=user.municipality_id, action="account.signed-in",
           subject=f"user:{user.id}")
    session.commit()


def record_sign_in_failed(session: Session, email: str) -> None:
    """A refused sign-in with the address typed (never the password), in the account's municipality if any."""
    typed = (email or "").strip()[:254]
    account = session.scalar(select(User).where(User.email == typed.lower()))
    record(session, user=None, municipality=account.municipality_id if account else None,
           action="account.sign-in-failed", detail={"email": typed}, subject=f"user:{account.id}" if account else None)
    session.commit()


def record_sign_out(session: Session, user: User) -> None:
    record(session, user=user, municipality=user.municipality_id, action="account.signed-out",
           subject=f"user:{user.id}")
    session.commit()


def set_user_locale(session: Session, user: User, locale: str) -> None:
    """The language a user chose for the pages, kept on the account (recorded when it changes)."""
    if user.locale != locale:
        user.locale = locale
        record(session, user=user, municipality=user.municipality_id, action="account.locale-chosen",
               detail={"locale": locale}, subject=f"user:{user.id}")
