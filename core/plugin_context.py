"""The context a hook implementation gets: what it needs from core, so a plugin reaches no globals.

Core builds one per plugin and hook call (see :func:`core.plugin_manager.Registry.answers_by_plugin`);
plugins get it as the ``context`` argument of a hook, or from :func:`core.sdk.web.context` in a view
and :func:`core.sdk.cli.context` in a command. Plugins import it as :class:`core.sdk.PluginContext`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask_babel.speaklater import LazyString

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.models import Municipality
    from core.plugin_manager import Registry


class Untranslated:
    """The gettext functions of a plugin without a catalog: the text as written, with its variables."""

    def gettext(self, string: str, **variables: Any) -> str:
        return string % variables if variables else string

    def ngettext(self, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        return (singular if num == 1 else plural) % variables

    def lazy_gettext(self, string: str, **variables: Any) -> LazyString:
        return LazyString(self.gettext, string, **variables)


@dataclass(frozen=True)
class PluginContext:
    """What core hands a plugin for one hook call, view or command."""

    plugin: str  # the plugin's name (its entry point's name)
    session: Session  # the database session of this request or command; core commits
    registry: Registry  # what every plugin provides (plan kinds, report kinds ...)
    municipality: Municipality | None  # the municipality the call is about, when there is one
    locale: str  # the language messages must be written in ('en', 'sv', 'ro')
    translations: Any = field(default_factory=Untranslated)  # the plugin's own gettext domain

    def gettext(self, string: str, **variables: Any) -> str:
        """``string`` translated with the plugin's own catalog (never core's or another plugin's)."""
        return self.translations.gettext(string, **variables)

    def ngettext(self, singular: str, plural: str, num: int, **variables: Any) -> str:
        """The plural form for ``num``, from the plugin's own catalog."""
        return self.translations.ngettext(singular, plural, num, **variables)

    @property
    def enabled(self) -> bool:
        """Whether the plugin is switched on for :attr:`municipality` (False without one)."""
        return self.municipality is not None and self.plugin in self.municipality.enabled_plugins
