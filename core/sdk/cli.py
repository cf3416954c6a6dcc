"""A plugin's ``socialplan`` commands: one-sentence errors, plain whole numbers, the command's context.

Decorate a command that needs the database with ``flask.cli.with_appcontext`` and then
:func:`database_errors`; raise :class:`CLIError` for anything the user can get wrong.
"""

from __future__ import annotations

from core.cli import WHOLE_NUMBER, CLIError, database_errors, municipality_named
from core.db import get_session
from core.plugin_context import PluginContext
from core.plugin_manager import get_registry


def context(plugin: str, municipality=None) -> PluginContext:
    """``plugin``'s context for this command: the command's session, the registry, ``municipality``."""
    return get_registry().context(plugin, get_session(), municipality)


def command_session():
    """The database session of this command (``context(plugin).session``)."""
    return get_session()


# One line per name for docs/plugin-sdk.md (None: the object's own docstring says it).
DOCS = {
    "WHOLE_NUMBER": 'a click type: a whole number written in digits',
    "CLIError": 'one sentence on stderr, exit status 1',
    "command_session": None,
    "context": None,
    "database_errors": "'database unreachable' as one sentence, not a traceback",
    "municipality_named": "the municipality with this slug, or the command's one-sentence error",
}

__all__ = [
    "WHOLE_NUMBER",
    "CLIError",
    "command_session",
    "context",
    "database_errors",
    "municipality_named",
]
