"""Web pages of the Swedish plugin under /m/<municipality>/sweden/."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, g, render_template

from core.db import get_session
from core.web.tenancy import load_municipality_from_url, require_plugin
from plugins.sweden.services.cases import STATE_LABELS, municipality_ladder, next_step, open_cases
from plugins.sweden.services.followups import units, year_calendar
from plugins.sweden.services.reference import OPERATING_FORM_LABELS, SERVICE_TYPE_LABELS, method_name

blueprint = Blueprint("sweden", __name__, url_prefix="/m/<municipality>/sweden")
blueprint.before_request(load_municipality_from_url)


@blueprint.before_request
def _plugin_enabled() -> None:
    require_plugin("sweden")


@blueprint.get("/calendar/<int:year>")
def calendar(municipality: str, year: int):
    if not 2000 <= year <= 2100:
        abort(404)
    session = get_session()
    today = dt.date.today()
    entries = year_calendar(session, g.municipality.id, year)
    return render_template(
        "sweden/calendar.html", year=year, entries=entries, today=today, method_name=method_name,
        units=units(session, g.municipality.id), forms=OPERATING_FORM_LABELS, types=SERVICE_TYPE_LABELS,
    )


@blueprint.get("/cases")
def cases(municipality: str):
    session = get_session()
    ladder = municipality_ladder(session, g.municipality.id)
    rows = [(case, next_step(case, ladder)) for case in open_cases(session, g.municipality.id)]
    return render_template("sweden/cases.html", rows=rows, states=STATE_LABELS, today=dt.date.today())
