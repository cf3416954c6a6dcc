"""Romanian jurisdiction: the annual action plan for social services."""

from flask_babel import lazy_gettext as _l

from core.hookspecs import hookimpl
from core.plugin_api import Jurisdiction


@hookimpl
def socialplan_jurisdictions():
    return [Jurisdiction("ro", _l("Romania"), ("RO",), "RON", "ro")]
