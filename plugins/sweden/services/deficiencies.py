"""Deficiencies found at units: a serious or repeated one opens a case on the sanctions ladder."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugins.sweden.audit import record, short
from plugins.sweden.i18n import _l
from plugins.sweden.models import Deficiency, DeficiencyCase, Unit
from plugins.sweden.services.cases import open_case
from plugins.sweden.services.dates import add_months
from plugins.sweden.services.errors import SwedenValidationError

REPEAT_WINDOW_MONTHS = 12  # an earlier deficiency at the unit this recent makes a new one 'repeated'


def earlier_deficiency(session: Session, unit: Unit, found_on: dt.date) -> Deficiency | None:
    """The latest deficiency at ``unit`` in the year before ``found_on``, if any."""
    since = add_months(found_on, -REPEAT_WINDOW_MONTHS)
    return session.scalar(
        select(Deficiency).where(Deficiency.unit_id == unit.id, Deficiency.found_on >= since,
                                 Deficiency.found_on <= found_on).order_by(Deficiency.found_on.desc()).limit(1)
    )


def record_deficiency(
    session: Session, unit: Unit, found_on: dt.date, description: str, recorded_by: str, *,
    serious: bool = False, repeated: bool = False, acute: bool = False, today: dt.date | None = None,
) -> Deficiency:
    """Record a deficiency; open a case when it is serious or repeated (also when an earlier one is recent).

    Raises :class:`SwedenValidationError` before anything is written.
    """
    today = today or dt.date.today()
    if not description.strip():
        raise SwedenValidationError("description", _l("Describe the deficiency."))
    if not recorded_by.strip():
        raise SwedenValidationError("recorded_by", _l("Name who decided."))
    if found_on > today:
        raise SwedenValidationError("found_on", _l("The date %(date)s is in the future."), date=found_on)
    if unit.provider_started_on is not None and found_on < unit.provider_started_on:
        raise SwedenValidationError("found_on", _l("The date %(date)s is before the provider started (%(start)s)."),
                                    date=found_on, start=unit.provider_started_on)
    repeated = repeated or earlier_deficiency(session, unit, found_on) is not None
    deficiency = Deficiency(
        municipality_id=unit.municipality_id, unit_id=unit.id, found_on=found_on, description=description.strip(),
        serious=serious, repeated=repeated, acute=acute, recorded_by=recorded_by.strip(),
    )
    deficiency.unit = unit
    if serious or repeated:
        deficiency.case = open_case(session, unit, found_on, recorded_by, description.strip(), acute=acute)
    session.add(deficiency)
    session.flush()
    record(session, unit.municipality_id, "deficiency-recorded", f"unit:{unit.id}", unit=f"{unit.code} {unit.name}",
           found_on=found_on, description=short(description), serious=serious, repeated=repeated, acute=acute,
           case_opened=deficiency.case is not None)
    return deficiency


def deficiencies_of(session: Session, unit: Unit) -> list[Deficiency]:
    return list(session.scalars(
        select(Deficiency).where(Deficiency.unit_id == unit.id).order_by(Deficiency.found_on.desc(), Deficiency.id)
    ))


def case_of(session: Session, municipality_id: int, case_id: int) -> DeficiencyCase | None:
    case = session.get(DeficiencyCase, case_id)
    return case if case is not None and case.municipality_id == municipality_id else None
