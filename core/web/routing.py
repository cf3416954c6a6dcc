"""What a URL may hold: ``<int:...>`` in every route (core's, the API's, the plugins') is bounded, and no
path segment or query argument holds a control character.

A plan id, a year or a row index beyond what the database's INTEGER columns hold (PostgreSQL: 32 bits)
names nothing: such a URL matches no route and answers 404, instead of reaching the database and
failing there (an OverflowError on SQLite, a DataError on PostgreSQL). A rule may give a narrower
range (``<int(min=1990, max=2100):year>``); the OpenAPI document states each parameter's range. A
municipality's slug, a plan kind or a section with a NUL in it names nothing either (PostgreSQL refuses
a NUL in any text it is asked to compare), and a query argument with one is a bad request (400).
"""

from __future__ import annotations

import re

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter, Map, PathConverter, UnicodeConverter, ValidationError

from core.limits import DB_INTEGER_MAX

CONTROL = re.compile("[\x00-\x1f\x7f]")


class BoundedIntegerConverter(IntegerConverter):
    """Werkzeug's ``int`` converter, at most :data:`core.limits.DB_INTEGER_MAX` unless the rule says less."""

    regex = r"\d{1,10}"  # more digits than 2^31 has never match, and are never converted

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, DB_INTEGER_MAX if max is None else max, signed)
        if signed and min is None:
            self.min = -DB_INTEGER_MAX


class TextConverter(UnicodeConverter):
    """Werkzeug's default (string) converter, for a segment without control characters."""

    def to_python(self, value: str) -> str:
        if CONTROL.search(value):
            raise ValidationError()
        return value


class TextPathConverter(PathConverter):
    """Werkzeug's ``path`` converter, for a path without control characters."""

    def to_python(self, value: str) -> str:
        if CONTROL.search(value):
            raise ValidationError()
        return value


def _refuse_controls_in_the_query() -> None:
    if any(CONTROL.search(text) for pair in request.args.items(multi=True) for text in pair):
        abort(400)


def init_app(app: Flask) -> None:
    """Before any route is added: every ``<int:...>``, ``<name>`` and ``<path:...>`` from now on is checked."""
    app.url_map.converters.update(int=BoundedIntegerConverter, default=TextConverter, string=TextConverter,
                                  path=TextPathConverter)
    app.before_request(_refuse_controls_in_the_query)
