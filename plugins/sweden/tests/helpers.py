"""Helpers of the plugin's web tests."""

from __future__ import annotations


def sign_in(client, email: str, locale: str = "en"):
    """Sign in through the form and choose the page language (the demo accounts default to Swedish)."""
    from core.sdk.testing import DEMO_PASSWORD, login

    login(client, email, DEMO_PASSWORD)
    client.post("/locale", data={"locale": locale, "next": "/"})
