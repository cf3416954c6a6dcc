"""Demo data: Piatra Neamț and its 2021 action plan, loaded from a plan document.

The plan is ``data/demo/piatra-neamt-2021.json``, the seed document typed into the interchange
format, imported through the same path as ``socialplan plan import``. The seed names no council
decision (HCL) approving the plan, so the demo plan stays a draft: no decision is invented.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from core.sdk.demo import ensure_municipality, ensure_user
from core.sdk.plans import find_plan, import_plan

if TYPE_CHECKING:
    from core.sdk import PluginContext

SLUG = "piatra-neamt"
DEMO_PLAN = Path(__file__).resolve().parent / "data" / "demo" / "piatra-neamt-2021.json"
PLANNER = "planner@piatra-neamt.demo"
VIEWER = "consilier@piatra-neamt.demo"


def demo_document() -> dict[str, Any]:
    return json.loads(DEMO_PLAN.read_text(encoding="utf-8"))


def load(session: Session, context: PluginContext) -> list[str]:
    registry = context.registry
    document = demo_document()
    municipality = ensure_municipality(session, registry, SLUG, document["municipality"]["name"], "RO", "ro", "RON",
                                       ("romania",))
    ensure_user(session, PLANNER, "planner", municipality, "ro")
    ensure_user(session, VIEWER, "viewer", municipality, "ro")
    if find_plan(session, municipality, document["year"], document["kind"]) is None:
        import_plan(session, registry, document, None)
    return [SLUG]
