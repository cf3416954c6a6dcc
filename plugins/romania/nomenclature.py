"""The Nomenclatorul serviciilor sociale as reference data, and the spellings real documents use.

The data lives in ``data/nomenclator.json`` (versioned, with its sources); this module reads it
once and understands codes written as '8790CR-II', '8810 ID-I', '8891CZ-CIII' or in lower case.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

from core.sdk import Nomenclature, NomenclatureEntry

DATA = Path(__file__).resolve().parent / "data" / "nomenclator.json"
_DASHES = re.compile(r"[\u2010-\u2015\u2212_]")
_CODE = re.compile(r"^(\d{4})-?([A-Z].*)$")


def ascii_fold(text: str) -> str:
    """Lower case without diacritics ('Vârstnici' -> 'varstnici'), for keyword matching."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ş", "ș").replace("ţ", "ț"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _compact(code: str) -> str:
    """The letters and digits of a code only: '8891 CZ-C-III' -> '8891CZCIII'."""
    return re.sub(r"[^0-9A-Z]", "", code.upper())


class RomanianNomenclature(Nomenclature):
    """HG 867/2015 codes; ``normalise`` maps real-world spellings to the canonical '8790 CRT-II'."""

    def __init__(self, data: dict[str, Any]) -> None:
        entries = [
            NomenclatureEntry(
                code=item["code"],
                name=item["name"],
                parts={k: item[k] for k in ("caen", "form", "group", "subtype") if k in item},
                valid_until=dt.date.fromisoformat(item["valid_until"]) if item.get("valid_until") else None,
                replaced_by=tuple(item.get("replaced_by", ())),
            )
            for item in data["entries"]
        ]
        citations = "; ".join(source["citation"] for source in data["sources"])
        super().__init__(entries, data["version"], f"{data['legal_basis']}. Sources: {citations}",
                         f"{data['title']} ({data['short_basis']})")
        self.data = data
        self.details = {item["code"]: item for item in data["entries"]}
        self._by_compact: dict[str, str] = {}
        for code in [*self.details, *data.get("aliases", {})]:
            key = _compact(code)
            if key in self._by_compact:
                raise ValueError(f"nomenclator codes {code!r} and {self._by_compact[key]!r} are ambiguous")
            self._by_compact[key] = data.get("aliases", {}).get(code, code)

    def normalise(self, code: str) -> str:
        """The canonical spelling of ``code``; an unknown code comes back cleaned (upper case, one space)."""
        cleaned = " ".join(_DASHES.sub("-", code or "").upper().split())
        known = self._by_compact.get(_compact(cleaned))
        if known:
            return known
        match = _CODE.match(cleaned.replace(" ", ""))
        return f"{match.group(1)} {match.group(2)}" if match else cleaned

    def groups_of(self, code: str) -> list[str]:
        """The beneficiary groups the code serves ([] when any group may use it)."""
        detail = self.details.get(self.normalise(code))
        return list(detail["beneficiary_groups"]) if detail else []

    def groups_named_in(self, text: str) -> set[str]:
        """The beneficiary groups whose keywords occur in a free-text beneficiary category."""
        folded = ascii_fold(text)
        return {code for code, group in self.data["groups"].items() if any(k in folded for k in group["keywords"])}

    def group_name(self, group: str, locale: str) -> str:
        names = self.data["groups"].get(group, {})
        return names.get(locale) or names.get("ro") or group


@cache
def load_nomenclature() -> RomanianNomenclature:
    return RomanianNomenclature(json.loads(DATA.read_text(encoding="utf-8")))
