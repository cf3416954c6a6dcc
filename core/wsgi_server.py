"""Serving the app: gunicorn where it runs (POSIX), waitress elsewhere."""

from __future__ import annotations

import importlib.util

from flask import Flask


def run(app: Flask, host: str, port: int, workers: int) -> None:
    if importlib.util.find_spec("gunicorn") is not None:
        _run_gunicorn(app, host, port, workers)
    else:
        from waitress import serve

        serve(app, host=host, port=port, threads=max(4, workers * 4))


def _run_gunicorn(app: Flask, host: str, port: int, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")

        def load(self) -> Flask:
            return app

    Server().run()
