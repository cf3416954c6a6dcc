"""Serving the app: gunicorn where it runs (POSIX), waitress elsewhere.

The port is tried before the server starts, so a port in use is one sentence (:class:`PortUnavailable`) rather
than the server's retries and log lines; ``on_ready`` is called once the server listens. Neither server names
itself in a ``Server`` header (:func:`hide_server_header`).
"""

from __future__ import annotations

import errno
import importlib.util
import socket
from collections.abc import Callable

from flask import Flask


class PortUnavailable(Exception):
    """The address cannot be listened on; the message is one sentence for the user."""


def check_port(host: str, port: int) -> None:
    """Bind ``host:port`` as the server will (address reuse on, as gunicorn does), then let it go."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise PortUnavailable(f"Cannot serve on host '{host}': {error.strerror}.") from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortUnavailable(f"Port {port} on {host} is already in use; stop what uses it or choose "
                                      "another with --port.") from None
            if error.errno == errno.EACCES:
                raise PortUnavailable(f"This user may not listen on port {port}; choose one above 1023 with "
                                      "--port.") from None
            raise PortUnavailable(f"Cannot listen on {host}:{port}: {error.strerror}.") from None


def hide_server_header() -> None:
    """Drop the ``Server: gunicorn`` line gunicorn writes before the app's own headers (it has no setting for
    it): a response should not tell which software, and so which known flaws, stand behind it."""
    if importlib.util.find_spec("gunicorn") is None:
        return
    from gunicorn.http import wsgi

    if getattr(wsgi.Response.default_headers, "_socialplan", False):
        return
    original = wsgi.Response.default_headers

    def default_headers(self) -> list[str]:
        return [line for line in original(self) if not line.lower().startswith("server:")]

    default_headers._socialplan = True  # type: ignore[attr-defined]
    wsgi.Response.default_headers = default_headers  # type: ignore[method-assign]


def run(app: Flask, host: str, port: int, workers: int, on_ready: Callable[[], None] = lambda: None) -> None:
    check_port(host, port)
    if importlib.util.find_spec("gunicorn") is not None:
        _run_gunicorn(app, host, port, workers, on_ready)
    else:
        from waitress import create_server

        # ident="": waitress leaves the Server header out.
        server = create_server(app, host=host, port=port, threads=max(4, workers * 4), ident="")
        on_ready()
        server.run()


def _run_gunicorn(app: Flask, host: str, port: int, workers: int, on_ready: Callable[[], None]) -> None:
    from gunicorn.app.base import BaseApplication

    hide_server_header()

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"[{host}]:{port}" if ":" in host else f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")
            # Called by the arbiter once its sockets listen: "serving on" is then true.
            self.cfg.set("when_ready", lambda _arbiter: on_ready())

        def load(self) -> Flask:
            return app

    Server().run()
