"""Core's providers of a municipality, read and added through core's service."""

from __future__ import annotations

from core.services.providers import add_provider, provider_named, providers_of, set_organisation_number

# One line per name for docs/plugin-sdk.md (None: the object's own docstring says it).
DOCS = {
    "add_provider": 'a new provider of the municipality (flushed, so it has an id)',
    "provider_named": "the municipality's provider of that name, or None",
    "providers_of": "the municipality's providers, by name",
    "set_organisation_number": "record a provider's organisation number",
}

__all__ = [
    "add_provider",
    "provider_named",
    "providers_of",
    "set_organisation_number",
]
