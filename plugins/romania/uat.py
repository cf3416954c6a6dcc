"""Romania's administrative-territorial units (UAT) with their SIRUTA codes, as a municipality register.

The data lives in ``data/uat.json``, derived from the SIRUTA classification by ``data/build_uat.py``
(its source and licence are named in the file). An administrator picks a UAT from it for a Romanian
municipality (hook ``socialplan_municipality_register``); the report names its county.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from core.sdk import MunicipalityRegister, ReferenceMunicipality
from plugins.romania.i18n import _, _l

DATA = Path(__file__).resolve().parent / "data" / "uat.json"
COUNTRY = "RO"
# The types of a UAT (Legea nr. 2/1968, OUG nr. 57/2019) in the reader's language.
REGISTER_NAME = "SIRUTA, Institutul Național de Statistică (INS)"
KINDS = {"municipiu": _l("municipiu (city)"), "oraș": _l("oraș (town)"), "comună": _l("comună (rural commune)")}
_WEIGHTS = (7, 5, 3, 2, 1)  # INS: 1, 2, 3, 5, 7 counted from the digit before the check digit leftwards


def _check_digit_ok(body: str, check: str) -> bool:
    total = sum(sum(int(d) for d in str(int(digit) * weight)) for digit, weight in zip(body, _WEIGHTS, strict=True))
    return (11 - total % 10) % 10 == int(check)


def siruta_is_valid(code: str) -> bool:
    """Whether ``code`` is a well-formed SIRUTA code: digits whose last one is the INS check digit.

    The body is read padded with zeros on the left; 77 older codes (e.g. 9026) check only padded on the
    right, as the INS extract has them, so both readings are accepted."""
    code = (code or "").strip()
    if not code.isdigit() or not 2 <= len(code) <= 6:
        return False
    body, check = code[:-1], code[-1]
    return _check_digit_ok(body.zfill(5), check) or _check_digit_ok(body.ljust(5, "0"), check)


class UatRegister(MunicipalityRegister):
    """The 3,181 UATs; a code is refused when it is not digits with the SIRUTA check digit."""

    def __init__(self, data: dict[str, Any]) -> None:
        entries = [ReferenceMunicipality(unit["siruta"], unit["name"], unit["county"], KINDS[unit["type"]])
                   for unit in data["units"]]
        # The page cites the register by its name, the same in every language; how the file was made from it
        # (data["source"], in English, for developers) is no reader's business.
        super().__init__(COUNTRY, entries, code_label=_l("SIRUTA code"), region_label=_l("County"),
                         source=REGISTER_NAME)
        self.data = data
        self.units = {unit["siruta"]: unit for unit in data["units"]}

    def code_error(self, code: str) -> str | None:
        if not siruta_is_valid(code):
            return _("A SIRUTA code is 2 to 6 digits whose last one is the check digit of the INS register "
                     "(e.g. 120726 for Piatra-Neamț).")
        return None


@cache
def load_register() -> UatRegister:
    return UatRegister(json.loads(DATA.read_text(encoding="utf-8")))
