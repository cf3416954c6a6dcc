"""Whole numbers in URLs: ``<int:...>`` in every route (core's, the API's, the plugins') is bounded.

A plan id, a year or a row index beyond what the database's INTEGER columns hold (PostgreSQL: 32 bits)
names nothing: such a URL matches no route and answers 404, instead of reaching the database and
failing there (an OverflowError on SQLite, a DataError on PostgreSQL). A rule may give a narrower
range (``<int(min=1990, max=2100):year>``); the OpenAPI document states each parameter's range.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

from core.limits import DB_INTEGER_MAX


class BoundedIntegerConverter(IntegerConverter):
    """Werkzeug's ``int`` converter, at most :data:`core.limits.DB_INTEGER_MAX` unless the rule says less."""

    regex = r"\d{1,10}"  # more digits than 2^31 has never match, and are never converted

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, DB_INTEGER_MAX if max is None else max, signed)
        if signed and min is None:
            self.min = -DB_INTEGER_MAX


def init_app(app: Flask) -> None:
    """Before any route is added: every ``<int:...>`` from now on is bounded."""
    app.url_map.converters["int"] = BoundedIntegerConverter
