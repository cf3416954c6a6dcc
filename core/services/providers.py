"""A municipality's providers of services: core's rows, which plugins reference and add through here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Provider
from core.text import clean_text


def providers_of(session: Session, municipality_id: int) -> list[Provider]:
    """The municipality's providers, by name."""
    return list(session.scalars(select(Provider).where(Provider.municipality_id == municipality_id)
                                .order_by(Provider.name, Provider.id)))


def provider_named(session: Session, municipality_id: int, name: str) -> Provider | None:
    """The municipality's (first) provider called ``name``, or None."""
    return session.scalar(select(Provider).where(Provider.municipality_id == municipality_id,
                                                 Provider.name == name).order_by(Provider.id).limit(1))


def add_provider(session: Session, municipality_id: int, name: str, organisation_number: str | None = None
                 ) -> Provider:
    """A new provider of the municipality, flushed so that it has an id. ``name`` is kept as given (an
    import keeps its document's names), but not a blank one (ValueError)."""
    name = clean_text(name)
    if not name.strip():
        raise ValueError("a provider needs a name")
    provider = Provider(municipality_id=municipality_id, name=name, organisation_number=organisation_number)
    session.add(provider)
    session.flush()
    return provider


def set_organisation_number(provider: Provider, organisation_number: str | None) -> None:
    """Record the provider's organisation number (None: unknown)."""
    provider.organisation_number = clean_text(organisation_number) if organisation_number else organisation_number
