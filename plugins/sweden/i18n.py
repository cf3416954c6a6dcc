"""The Swedish plugin's gettext functions: they translate with its own catalog (domain "sweden",
plugins/sweden/translations), never with core's or another plugin's. Templates in
plugins/sweden/templates use the same domain on their own."""

from __future__ import annotations

from core.sdk import translations_for

translations = translations_for("sweden")
_ = translations.gettext
_l = translations.lazy_gettext
ngettext = translations.ngettext
lazy_ngettext = translations.lazy_ngettext
