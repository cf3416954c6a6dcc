from __future__ import annotations

import pytest

from core.sdk.testing import create_municipality


@pytest.fixture
def municipality(session):
    return create_municipality(session, "testkommun", {"sv": "Testkommun"}, "SE", "sv", "SEK")

