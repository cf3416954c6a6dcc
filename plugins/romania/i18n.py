"""The Romanian plugin's gettext functions: they translate with its own catalog (domain "romania",
plugins/romania/translations), never with core's or another plugin's."""

from __future__ import annotations

from core.sdk import translations_for

translations = translations_for("romania")
_ = translations.gettext
_l = translations.lazy_gettext
ngettext = translations.ngettext
lazy_ngettext = translations.lazy_ngettext
