"""Small per-process caches of rendered pages: the editor's rule findings and section pages, the dashboard's plans.

They live on the application (``app.extensions``), so two apps in one process (tests) never share
entries, and each gunicorn worker has its own. Nothing is ever invalidated: a key names every input
of what it stores (a plan's revision number among them), so a change makes a new key and the old
entry ages out of the LRU. What the keys hold, and why that is enough, is told where they are made
(:func:`core.web.helpers.findings_key`, :func:`core.web.plans._page_key`,
:func:`core.web.dashboard._plans_key`). The two page keys name each input (:func:`named_key`), and
tests/test_web_page_cache.py holds them to it: it enumerates what the section page's templates
(through every include, import and extends) and a render read (the database objects' attributes, the
request, the session, ``g``), and what the dashboard's plans template reads, and fails on any input the
key does not name; and it changes each input alone and sees the next view change.

HTTP validators (an ETag, 304 on If-None-Match) would not replace this: every page is sent
``Cache-Control: private, no-store`` (:mod:`core.web.security`), so a browser keeps nothing to revalidate,
and a server that must answer 304 still has to know every input of the page to make the ETag.

A result may be cached only if it was computed from the key's inputs alone. Rules are plugin code
that could read the database (the Swedish rules count lex Sarah reports): :func:`statement_count`
counts the SQL statements the engine runs, so a caller can tell whether rules ran any, and then not
cache their findings.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

FINDINGS_SIZE = 512  # plans x locales; a list of findings is a few kB
PAGES_SIZE = 256  # a section page is some 50 kB: at most ~13 MB per worker
FRAGMENTS_SIZE = 256  # a dashboard's plans tables: about 1 kB a plan


class LRU:
    """A thread-safe least-recently-used map of at most ``size`` entries, each with its age."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, max_age: float | None = None) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if max_age is not None and time.monotonic() - entry[0] > max_age:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def named_key(inputs: dict[str, Hashable]) -> tuple[tuple[str, Hashable], ...]:
    """A key that names each of its inputs (``"plan.revision": 4``): equal inputs make equal keys, and a
    test can read which inputs a key holds (tests/test_web_page_cache.py does, for both page keys)."""
    return tuple(inputs.items())


def _cache(app: Flask, name: str, size: int) -> LRU:
    key = f"socialplan.cache.{name}"
    if key not in app.extensions:
        app.extensions[key] = LRU(size)
    return app.extensions[key]


def findings_cache(app: Flask) -> LRU:
    return _cache(app, "findings", FINDINGS_SIZE)


def page_cache(app: Flask) -> LRU:
    return _cache(app, "pages", PAGES_SIZE)


def fragment_cache(app: Flask) -> LRU:
    return _cache(app, "fragments", FRAGMENTS_SIZE)


# --- SQL statements run, to tell a pure computation from one that read the database ----------------

_statements = 0
_lock = threading.Lock()


def _count(*_args: Any) -> None:
    global _statements
    with _lock:
        _statements += 1


def statement_count(engine: Engine) -> int:
    """How many SQL statements engines of this process have run (counted from the first call on)."""
    if not event.contains(engine, "before_cursor_execute", _count):
        event.listen(engine, "before_cursor_execute", _count)
    return _statements
