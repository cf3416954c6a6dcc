"""An administrator publishes a municipality (issue 15): licence and publisher required, recorded, undone."""

from __future__ import annotations

from sqlalchemy import select

from core.models import AuditEvent
from core.services.accounts import municipality_by_slug
from core.testing import login

ADMIN, PASSWORD = "admin@socialplan.demo", "demo-password-2026"
PAGE = "/admin/municipalities/piatra-neamt/publication"


def test_an_administrator_publishes_a_municipality_with_its_licence_and_publisher(demo_app):
    from core.db import get_session

    anonymous = demo_app.test_client()
    assert anonymous.get("/public/piatra-neamt/").status_code == 404
    assert anonymous.get(PAGE).status_code == 302  # to the sign-in page
    planner = demo_app.test_client()
    login(planner, "planner@piatra-neamt.demo", PASSWORD)
    assert planner.get(PAGE).status_code == 403
    admin = demo_app.test_client()
    login(admin, ADMIN, PASSWORD)
    form = admin.get(PAGE)
    assert form.status_code == 200 and 'name="licence"' in form.text and 'name="publisher"' in form.text
    assert PAGE in admin.get("/admin/municipalities/piatra-neamt/plugins").text  # linked from the admin pages

    refused = admin.post(PAGE, data={"published": "y", "licence": "", "publisher": ""})
    assert refused.status_code == 422
    assert 'id="licence-error"' in refused.text and "Choose the licence under which the plans are published." \
        in refused.text
    unknown = admin.post(PAGE, data={"published": "y", "licence": "WTFPL", "publisher": "DAS"})
    assert unknown.status_code == 422  # not a choice of the form
    nameless = admin.post(PAGE, data={"published": "y", "licence": "CC-BY-4.0", "publisher": "  "})
    assert nameless.status_code == 422 and 'id="publisher-error"' in nameless.text
    assert anonymous.get("/public/piatra-neamt/").status_code == 404  # refused three times: nothing published

    publisher = "Direcția de Asistență Socială „Piatra Neamț” & <DAS>"
    saved = admin.post(PAGE, data={"published": "y", "licence": "CC-BY-4.0", "publisher": publisher})
    assert saved.status_code == 302
    public = anonymous.get("/public/piatra-neamt/")
    assert public.status_code == 200 and "Direcția de Asistență Socială „Piatra Neamț” &amp; &lt;DAS&gt;" in public.text
    assert "No plan of this municipality has been adopted yet." in anonymous.get("/public/piatra-neamt/?lang=en").text
    with demo_app.app_context():
        session = get_session()
        town = municipality_by_slug(session, "piatra-neamt")
        assert (town.published, town.licence, town.publisher) == (True, "CC-BY-4.0", publisher)
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "municipality.publication-changed"))
        assert event.user.email == ADMIN and {c["field"] for c in event.detail["changes"]} == {
            "published", "licence", "publisher"}
    trail = admin.get("/admin/municipalities/piatra-neamt/audit").text
    assert "Publication changed" in trail

    assert admin.post(PAGE, data={"licence": "CC-BY-4.0", "publisher": publisher}).status_code == 302  # unticked
    assert anonymous.get("/public/piatra-neamt/").status_code == 404
    assert anonymous.get("/public/catalogue.json").get_json()["dataset"] == []
