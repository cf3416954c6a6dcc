"""A Romanian plan approved with its HCL, then reopened (issue 9): the working draft's PDF no longer prints the
council's decision on its cover, the adopted revision's PDF still does, and every page says which one it is.

The issue's own reproduction, through the web as people take it: the demo plan is taken to approval, the
administrator reopens it on its page, the planner downloads the working revision's report and the adopted one's
(``?revision=adopted``); each PDF is read page by page with pdftotext.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.sdk.plans import take_step
from core.sdk.testing import DEMO_ADMIN, DEMO_PASSWORD, get_registry, get_session, login
from plugins.romania.demo import PLANNER, SLUG
from plugins.romania.tests.helpers import demo_plan

DECISION = "Aprobat prin Hotărârea Consiliului Local (HCL) nr. 99/2021 din 25 martie 2021"
NOT_YET = "Hotărârea Consiliului Local (HCL): neadoptată încă"


def _pages(pdf: bytes, path: Path) -> list[str]:
    """Each page's text as pdftotext reads it, white space (no-break spaces too) made single spaces."""
    path.write_bytes(pdf)
    pages = []
    for number in range(1, len(PdfReader(path).pages) + 1):
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(path), "-"],
                              capture_output=True, text=True, check=True).stdout
        pages.append(re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")))
    return pages


@pytest.fixture
def reopened(demo_app) -> tuple[int, int, int]:
    """The demo plan approved with HCL 99/2021, then reopened by the administrator on its page: its id, the
    adopted revision's number and the working one's."""
    with demo_app.app_context():
        session = get_session()
        plan = demo_plan(session)
        registry = get_registry()
        for step, data in (("start-consultation", {"consultation_start": "2021-02-01",
                                                   "consultation_end": "2021-02-15"}),
                           ("request-county-opinion", {"contributions_received": 3}),
                           ("approve", {"county_opinion_ref": "1234/2021", "county_opinion_date": "2021-03-01",
                                        "council_decision_ref": "99/2021", "council_decision_date": "2021-03-25"})):
            take_step(session, registry, plan, step, data, None)
        session.commit()
        plan_id = plan.id
    admin = demo_app.test_client()
    login(admin, DEMO_ADMIN, DEMO_PASSWORD)
    response = admin.post(f"/m/{SLUG}/plans/{plan_id}/reopen",
                          data={"reason": "Rectificare bugetară", "confirm": "y"})
    assert response.status_code == 302, response.text
    with demo_app.app_context():
        plan = demo_plan(get_session())
        assert plan.status == "draft" and plan.council_decision_ref is None
        return plan_id, plan.adopted_revision, plan.revision


def test_a_reopened_plans_draft_no_longer_prints_the_hcl_and_the_adopted_revision_still_does(
    demo_app, reopened, tmp_path
):
    plan_id, adopted, working = reopened
    planner = demo_app.test_client()
    login(planner, PLANNER, DEMO_PASSWORD)
    url = f"/m/{SLUG}/plans/{plan_id}/reports/action-plan/ro.pdf"

    draft = planner.get(url)
    assert draft.status_code == 200 and f"-revision-{working}.pdf" in draft.headers["Content-Disposition"]
    pages = _pages(draft.data, tmp_path / "draft.pdf")
    cover = pages[0]
    assert "Aprobat prin" not in cover and "99/2021" not in cover, cover
    assert NOT_YET in cover and "Aprobat de consiliul local" not in cover, cover
    assert not [n for n, text in enumerate(pages, 1) if "Aprobat prin" in text]  # nowhere in the draft
    status = f"Versiunea de lucru {working}, neaprobată"
    assert not [n for n, text in enumerate(pages, 1) if status not in text], f"a page does not say {status!r}"

    kept = planner.get(url + "?revision=adopted")
    assert kept.status_code == 200 and "-adopted.pdf" in kept.headers["Content-Disposition"]
    pages = _pages(kept.data, tmp_path / "adopted.pdf")
    assert DECISION in pages[0] and NOT_YET not in pages[0], pages[0]
    status = f"Versiunea aprobată (versiunea {adopted})"
    assert not [n for n, text in enumerate(pages, 1) if status not in text], f"a page does not say {status!r}"
    assert not [n for n, text in enumerate(pages, 1) if "Versiunea de lucru" in text]
