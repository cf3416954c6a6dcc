"""Security headers on every response, sign-in attempts limited per account and per address, and the client's
address and scheme read from a trusted reverse proxy.

Configuration (all optional):

- ``LOGIN_LIMIT_PER_ACCOUNT`` / ``LOGIN_LIMIT_PER_ADDRESS``: failed sign-ins allowed, as Flask-Limiter strings
  (default ``5 per 15 minutes`` and ``20 per 15 minutes``); a refused attempt answers 429.
- ``RATELIMIT_STORAGE_URI``: where the counts live, e.g. ``redis://127.0.0.1:6379`` so that every app server
  counts together; memory of the process otherwise.
- ``PROXY_COUNT``: how many reverse proxies stand in front (their ``X-Forwarded-For`` / ``-Proto`` / ``-Host``
  are then believed); 0 by default, when the address is the connection's own.
"""

from __future__ import annotations

import hashlib

from flask import Flask, current_app, request
from flask.wrappers import Response
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# No inline script or style anywhere (templates use socialplan.css only), so 'self' is all a page needs.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "font-src 'self'",
    "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"
LIMITER = "socialplan.limiter"


def init_app(app: Flask) -> None:
    app.config.setdefault("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
    app.config.setdefault("LOGIN_LIMIT_PER_ADDRESS", "20 per 15 minutes")
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "socialplan")
    # Redis down: count in the process's memory meanwhile rather than refuse every sign-in.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    _trust_proxies(app)
    from core.services.credentials import verify_password

    verify_password(None, "")  # make the dummy hash now, not during the first unknown account's sign-in
    # One limiter per app, so two apps in a process (tests) never share counts or storage.
    app.extensions[LIMITER] = Limiter(get_remote_address, app=app, default_limits=[])
    app.after_request(_set_headers)


def _trust_proxies(app: Flask) -> None:
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]


def _set_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint != "static" and request.blueprint != "public":
        # Pages, downloads and API answers may be behind a login: no shared cache or browser history keeps them.
        # The public pages (core.web.public) are the same for everybody and say themselves how long to keep them.
        response.headers["Cache-Control"] = "private, no-store"
    response.headers.pop("Server", None)
    return response


# --- sign-in attempts ----------------------------------------------------------------------------


def _account_key() -> str:
    """The account typed, as a digest: the limiter's storage holds no e-mail addresses."""
    email = request.form.get("email", "").strip().lower()
    return "account:" + hashlib.sha256(email.encode()).hexdigest() if email else ""


def _address_key() -> str:
    return "address:" + get_remote_address()


def _failed(response: Response) -> bool:
    return response.status_code == 401


def limit_sign_in(app: Flask, endpoint: str) -> None:
    """Count the failed attempts (answers 401) of ``endpoint`` per account and per address; once either limit is
    reached, every attempt, the right password too, answers 429 until the window has moved on."""
    limiter: Limiter = app.extensions[LIMITER]
    view = app.view_functions[endpoint]
    for config_key, key_func in (("LOGIN_LIMIT_PER_ACCOUNT", _account_key), ("LOGIN_LIMIT_PER_ADDRESS", _address_key)):
        view = limiter.limit(lambda key=config_key: current_app.config[key], key_func=key_func, methods=["POST"],
                             deduct_when=_failed, scope=config_key.lower())(view)
    app.view_functions[endpoint] = view
