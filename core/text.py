"""What text the product accepts, decided once, and what it writes out.

Every text that comes in passes through :func:`clean_text`: typed into a web form (a filter on every
text field, see :class:`core.web.forms.CleanTextMeta`), sent to the API, in an imported plan document,
in a spreadsheet cell, or given on the command line. The rule:

- C0 control characters are removed, except tab and line feed; a carriage return (alone, or before a
  line feed) becomes one line feed; DEL and the C1 controls (U+007F to U+009F) are removed as well;
- a lone surrogate (JSON can carry one as ``"\\ud800"``, no UTF-8 text can hold it) becomes U+FFFD;
- the noncharacters U+FFFE and U+FFFF, which XML (and so XLSX) cannot hold, are removed;
- the text is NFC-normalised: "ș" typed as s and a combining comma below is the one character ș.

Nothing else is changed or refused: bidirectional controls (U+202E) belong to right-to-left writing,
and markup (``<script>``) or a formula (``=HYPERLINK(...)``) is text, made harmless where it is
written out (HTML escaping, CSV/XLSX formula neutralising). Writers pass what is stored through
:func:`clean_text` once more, so that text stored before this rule was made is still written.
"""

from __future__ import annotations

import json
import re
import unicodedata
from decimal import Decimal
from typing import Any

from markupsafe import Markup

# What clean_text removes; \t (09) and \n (0A) stay, \r (0D) is turned into \n before this runs.
_REMOVED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Anything clean_text would change, so that clean text costs one search.
_UNCLEAN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def clean_text(text: str) -> str:
    """``text`` as the product keeps it (see the module's rule): idempotent, never raises."""
    if _UNCLEAN.search(text):
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _SURROGATE.sub("\ufffd", _REMOVED.sub("", text))
    return text if text.isascii() else unicodedata.normalize("NFC", text)


# How deep a JSON value may nest: a plan document nests about 8 levels; far deeper is an attack on the
# parsers (a RecursionError), refused in one sentence.
MAX_DEPTH = 64


class NestingError(ValueError):
    """A JSON value nested deeper than :data:`MAX_DEPTH`."""

    def __init__(self) -> None:
        super().__init__(f"it is nested more than {MAX_DEPTH} levels deep")


def clean_value(value: Any, depth: int = 0) -> Any:
    """A JSON value with every string in it (object keys too) passed through :func:`clean_text`; raises
    :class:`NestingError` for a value nested deeper than :data:`MAX_DEPTH`."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (dict, list)) and depth >= MAX_DEPTH:
        raise NestingError()
    if isinstance(value, dict):
        return {clean_text(key) if isinstance(key, str) else key: clean_value(item, depth + 1)
                for key, item in value.items()}
    if isinstance(value, list):
        return [clean_value(item, depth + 1) for item in value]
    return value


def _finite(text: str) -> Decimal:
    """A JSON number read exactly (1486.5 is Decimal("1486.5"), never a float); 1e309 refused."""
    number = Decimal(text)
    if not number.is_finite() or abs(number) >= Decimal("1e300"):  # no column, no document holds it
        raise ValueError(f"the number {text[:40]} is out of range")
    return number


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON knows")


def load_json(text: str | bytes) -> Any:
    """JSON text as a cleaned value (:func:`clean_value`). Raises ValueError: json's JSONDecodeError, a number
    too large for a float (1e309) or NaN / Infinity, or :class:`NestingError` (also when the parser itself
    gives up on the depth)."""
    try:
        return clean_value(json.loads(text, parse_float=_finite, parse_constant=_no_constant))
    except RecursionError:
        raise NestingError() from None


def cleaned(value: Any) -> Any:
    """A value on its way out to a writer: a string cleaned, anything else as it is."""
    return clean_text(value) if isinstance(value, str) else value


def safe_output(value: Any) -> Any:
    """Jinja's ``finalize`` for every page: text that cannot be written as UTF-8 (a lone surrogate stored
    before the rule) or holds control characters is cleaned on its way out; markup stays markup."""
    if isinstance(value, str) and _UNCLEAN.search(value):
        text = clean_text(value)
        return Markup(text) if isinstance(value, Markup) else text
    return value
