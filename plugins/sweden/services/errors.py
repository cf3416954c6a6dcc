"""The one error every Swedish service raises for bad input: translatable, tied to a field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.sdk import format_date


class SwedenValidationError(ValueError):
    """Bad input, with the field it belongs to and a message that translates when shown.

    ``message`` is a lazy gettext string with ``%(name)s`` placeholders; dates among ``params``
    are formatted for the locale in force when the message is read, not when it is raised.
    """

    def __init__(self, field: str, message: Any, **params: Any) -> None:
        self.field = field
        self.msgid = message
        self.params = params
        super().__init__(str(self))

    @property
    def message(self) -> str:
        shown = {k: format_date(v) if isinstance(v, dt.date) else v for k, v in self.params.items()}
        return str(self.msgid) % shown if shown else str(self.msgid)

    def __str__(self) -> str:
        return self.message
