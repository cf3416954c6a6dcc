"""Derive ``uat.json`` (the 3,181 UATs with SIRUTA code, county and type) from a SIRUTA CSV extract.

Run by hand when INS publishes a new SIRUTA edition::

    pip download --no-deps sirutalib==1.3.0 -d /tmp/s && unzip -o /tmp/s/*.whl siruta.csv -d /tmp/s
    python plugins/romania/data/build_uat.py /tmp/s/siruta.csv > plugins/romania/data/uat.json

Only the standard library: the plugin does not depend on sirutalib at run time (see uat.json's
"source" for why). Names come as SIRUTA writes them (upper case, prefixed 'MUNICIPIUL ', 'ORAȘ ');
they are kept as written (``name_siruta``) and written as people write them (``name``), with
comma-below ș ț whatever the extract used.
"""

from __future__ import annotations

import csv
import json
import sys

CEDILLAS = str.maketrans("ŞşŢţ", "ȘșȚț")
# SIRUTA TIP of a level-2 unit: 1 municipiu reședință de județ, 4 other municipiu, 2 oraș, 3 comună,
# 9 the Municipality of Bucharest (level 2 under the county-level entry 403).
TYPES = {"1": "municipiu", "4": "municipiu", "9": "municipiu", "2": "oraș", "5": "oraș", "3": "comună"}
PREFIXES = ("MUNICIPIUL ", "ORAȘ ", "JUDEȚUL ")
# Words written in lower case inside a place name ('Valea lui Mihai', 'Baia de Aramă').
PARTICLES = {"de", "din", "la", "lui", "pe", "sub", "cu", "peste", "și", "dintre", "după"}


def _capitalise(word: str) -> str:
    """'NĂSĂUD' -> 'Năsăud', 'I.L.' -> 'I.L.', 'DRAGOMIREȘTI-VALE' -> 'Dragomirești-Vale'."""
    out, upper_next = [], True
    for char in word.lower():
        out.append(char.upper() if upper_next and char.isalpha() else char)
        upper_next = char in "-."
    return "".join(out)


def display_name(siruta_name: str) -> str:
    """A SIRUTA name as people write it: prefix off, words capitalised, particles in lower case."""
    name = " ".join(siruta_name.translate(CEDILLAS).split())
    for prefix in PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):]
    words = name.split(" ")
    return " ".join(w.lower() if i and w.lower() in PARTICLES else _capitalise(w) for i, w in enumerate(words))


def build(path: str) -> dict:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    counties = {row["JUD"]: display_name(row["DENLOC"]) for row in rows if row["TIP"] == "40"}
    units = [
        {
            "siruta": row["SIRUTA"],
            "name": display_name(row["DENLOC"]),
            "name_siruta": row["DENLOC"].translate(CEDILLAS),
            "county": counties[row["JUD"]],
            "county_code": int(row["JUD"]),
            "type": TYPES[row["TIP"]],
            "county_seat": row["TIP"] in ("1", "5", "9"),
        }
        for row in rows if row["NIV"] == "2"
    ]
    units.sort(key=lambda unit: (unit["county"], unit["name"], unit["siruta"]))
    return {
        "title": "Unitățile administrativ-teritoriale (UAT) ale României, după SIRUTA",
        "source": ("SIRUTA (Registrul Siruta), the classification of Romania's settlements kept by the "
                   "Institutul Național de Statistică (INS); the extract siruta.csv shipped in the PyPI "
                   "package sirutalib 1.3.0 by Andrei Cipu (code under BSD-3-Clause), levels 1 and 2 only. "
                   "Derived by plugins/romania/data/build_uat.py: names as people write them (capitalised, "
                   "'MUNICIPIUL '/'ORAȘ ' prefix off) beside the SIRUTA spelling, comma-below ș ț."),
        "licence": ("The SIRUTA classification is official statistical reference data published by INS; "
                    "sirutalib's packaging of it is distributed under BSD-3-Clause."),
        "check_digit": ("INS: weights 1, 2, 3, 5, 7 on the digits before the check digit from the right, "
                        "digit sums of the products, check digit (11 - sum mod 10) mod 10. 77 older codes "
                        "(e.g. 9026) check only with the code padded with zeros on the right."),
        "counties": [counties[code] for code in sorted(counties, key=int)],
        "units": units,
    }


def dumps(data: dict) -> str:
    """One unit a line, so that a new SIRUTA edition reads as a short diff."""
    head = {key: value for key, value in data.items() if key != "units"}
    lines = [json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "units": [']
    lines += [",\n".join("  " + json.dumps(unit, ensure_ascii=False) for unit in data["units"]), " ]", "}"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(dumps(build(sys.argv[1])))
