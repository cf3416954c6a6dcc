"""Swedish jurisdiction: the follow-up model for elderly care and social services."""

from flask_babel import lazy_gettext as _l

from core.hookspecs import hookimpl
from core.plugin_api import Jurisdiction


@hookimpl
def socialplan_jurisdictions():
    return [Jurisdiction("se", _l("Sweden"), ("SE",), "SEK", "sv")]
