"""Demo data: core's administrator, then each plugin's municipalities, users and plans."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Municipality, User
from core.plugin_manager import Registry
from core.services.accounts import create_municipality, create_user, municipality_by_slug, set_plugin_enabled

# Demo passwords are printed by `make demo`; they exist only in the demo instance's database.
DEMO_PASSWORD = "demo-password-2026"
DEMO_ADMIN = "admin@socialplan.demo"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    municipality: str | None


def ensure_municipality(
    session: Session, registry: Registry, slug: str, name: dict[str, str], country: str, locale: str,
    currency: str, plugins: tuple[str, ...],
) -> Municipality:
    """The demo municipality ``slug``, created with its plugins enabled when missing."""
    municipality = municipality_by_slug(session, slug)
    if municipality is None:
        municipality = create_municipality(session, slug, name, country, locale, currency)
        for plugin in plugins:
            set_plugin_enabled(session, registry, municipality, plugin, True)
    return municipality


def ensure_user(session: Session, email: str, role: str, municipality: Municipality | None,
                locale: str | None = None) -> User:
    user = session.scalar(select(User).where(User.email == email))
    return user or create_user(session, email, DEMO_PASSWORD, role, municipality, locale)


def load_demo(session: Session, registry: Registry) -> list[DemoAccount]:
    """Idempotent: a second call changes nothing. Returns every demo account."""
    ensure_user(session, DEMO_ADMIN, "admin", None, "en")
    registry.collect("socialplan_demo_data", session=session)
    session.commit()
    users = session.execute(
        select(User.email, User.role, Municipality.slug).outerjoin(Municipality).order_by(Municipality.slug, User.email)
    )
    return [DemoAccount(email, role, slug) for email, role, slug in users]
