"""Web pages of the Swedish plugin under /m/<municipality>/sweden/.

Everyone of the municipality reads; planners (and admins) change. Every change is checked whole
by the plugin's services before it is committed; a refused one rolls back and shows its message
beside the field it is about, with the typed values kept.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select

from core.sdk import current_locale, translated
from core.sdk.forms import attach_error, choices, translated_data
from core.sdk.models import AnnualPlan, Provider
from core.sdk.providers import add_provider
from core.sdk.web import (
    CSV,
    XLSX,
    can_edit,
    plan_kind_enabled,
    plugin_blueprint,
    request_session,
    require_editor,
    to_csv,
    to_xlsx,
)
from plugins.sweden import results as results_views
from plugins.sweden.audit import period_words
from plugins.sweden.forms import (
    RESPONSIBLE_SLOTS,
    AnswersImportForm,
    CoverForm,
    DeficiencyForm,
    DistrictQuestionForm,
    FollowUpForm,
    GoalForm,
    GoalValueForm,
    IndicatorForm,
    KoladaImportForm,
    LexSarahForm,
    QualitySectionForm,
    UnitForm,
    settings_form,
    special_review_form,
    step_form,
)
from plugins.sweden.i18n import _, ngettext
from plugins.sweden.models import FollowUp, LexSarahReport, QualityGoal, QuestionTemplate, SwedenSettings, Unit
from plugins.sweden.reports import goal_target, percent, result_text
from plugins.sweden.services import goals, individual, kolada, lex_sarah, quality_report
from plugins.sweden.services.answer_import import import_answers
from plugins.sweden.services.cases import (
    STATE_LABELS,
    STEP_LABELS,
    available_steps,
    deadline_before,
    is_overdue,
    municipality_ladder,
    next_step,
    open_cases,
    take_step,
    withdraw_termination,
    withdrawable_termination,
)
from plugins.sweden.services.deficiencies import case_of, deficiencies_of, record_deficiency
from plugins.sweden.services.errors import SwedenValidationError
from plugins.sweden.services.followups import (
    add_unit,
    default_settings,
    due_followups,
    followups_of,
    record_followup,
    set_unit_followed,
    special_review_areas,
    units,
    update_unit,
    year_calendar,
)
from plugins.sweden.services.reference import OPERATING_FORM_LABELS, SERVICE_TYPE_LABELS, method_name, methods
from plugins.sweden.services.schedule import PRESETS, CalendarEntry
from plugins.sweden.services.settings import (
    DEADLINE_LABELS,
    PRESET_LABELS,
    SCHEDULE_PARAMS,
    choose_special_review_area,
    default_deadlines,
    effective_deadlines,
    effective_params,
    rotation_years,
    save_settings,
    special_review_area,
    track_deadlines,
    uses_warning,
)

# Core wraps every view: sign-in, g.municipality from the URL, 404 where the plugin is off, 403 for a viewer's POST.
blueprint = plugin_blueprint("sweden", __name__)


@blueprint.context_processor
def _labels() -> dict[str, Any]:
    return {"forms": OPERATING_FORM_LABELS, "types": SERVICE_TYPE_LABELS, "states": STATE_LABELS,
            "confirmed_steps": CONFIRMED_STEPS,
            "step_labels": STEP_LABELS, "method_name": method_name, "can_edit": can_edit(),
            "today": dt.date.today(), "percent": percent, "goal_target": goal_target, "goal_result": result_text}


@blueprint.context_processor
def _kolada_figures() -> dict[str, Any]:
    """``kolada_figures(year, goal=None)``: the year's Kolada figures for women and men (of one goal), for the
    goal pages; an indicator with totals only has them in the goals' own table."""

    def figures(year: int, goal: QualityGoal | None = None) -> list[kolada.FigureRow]:
        rows = kolada.figure_rows(request_session(), g.municipality.id, year)
        return [r for r in rows if r.by_sex and (goal is None or r.indicator.goal_id == goal.id)]

    def missing_result(indicator_id: int, year: int, national: bool = False) -> str | None:
        return kolada.missing_result(request_session(), indicator_id, year, national)

    return {"kolada_figures": figures, "kolada_missing": kolada.missing_text, "kolada_missing_result": missing_result}


def _attach(form: FlaskForm, error: SwedenValidationError, aliases: dict[str, str] | None = None) -> None:
    """The service's message beside its field, or on top of the form."""
    attach_error(form, (aliases or {}).get(error.field, error.field), error.message)


def _commit(form: FlaskForm, change: Callable[[], Any], aliases: dict[str, str] | None = None) -> Any:
    """Run ``change`` and commit, giving its result; a refused change is rolled back, its message put
    beside its field, and :data:`REFUSED` given instead."""
    session = request_session()
    try:
        result = change()
        session.commit()
    except SwedenValidationError as error:
        session.rollback()
        _attach(form, error, aliases)
        return REFUSED
    return result


REFUSED = object()


def _owned(model: type[Any], object_id: int) -> Any:
    """The row of ``model`` with this id, when it is this municipality's; else 404."""
    row = request_session().get(model, object_id)
    if row is None or row.municipality_id != g.municipality.id:
        abort(404)
    return row


def _unit(unit_id: int) -> Unit:
    return _owned(Unit, unit_id)


# --- overview and calendar -------------------------------------------------------------------------------


@blueprint.get("/")
def index(municipality: str):
    session = request_session()
    ladder = municipality_ladder(session, g.municipality.id)
    rows = [(case, next_step(case, ladder)) for case in open_cases(session, g.municipality.id)]
    return render_template("sweden/index.html", units=units(session, g.municipality.id), rows=rows,
                           is_overdue=is_overdue)


YEARS = (2000, 2100)


def _calendar_year(year: int) -> int:
    if not YEARS[0] <= year <= YEARS[1]:
        abort(404)
    return year


def entry_link(entry: CalendarEntry, year: int, back: str | None = None) -> str | None:
    """Where a calendar row's next action is recorded: the case, the year's special review, or the unit's
    follow-up form with the method (and, before its window, the planned date) filled in, which then goes
    back to ``back`` (the year's calendar by default)."""
    if entry.done_on is not None:
        return url_for("sweden.unit_detail", unit_id=entry.unit_id) if entry.unit_id else None
    if entry.case_id is not None:
        return url_for("sweden.case_detail", case_id=entry.case_id)
    if entry.unit_id is None:
        return url_for("sweden.special_review", year=year)
    args: dict[str, Any] = {"method": entry.method, "next": back or url_for("sweden.calendar", year=year)}
    if entry.window_start > dt.date.today():
        args["planned_on"] = entry.window_start.isoformat()
    return url_for("sweden.followup_new", unit_id=entry.unit_id, **args)


@blueprint.get("/calendar/<int:year>")
def calendar(municipality: str, year: int):
    session = request_session()
    entries = year_calendar(session, g.municipality.id, _calendar_year(year))
    area = special_review_area(_stored_settings(), year)
    return render_template("sweden/calendar.html", year=year, entries=entries, units=units(session, g.municipality.id),
                           entry_link=entry_link, years=YEARS, area=area, locale=current_locale(),
                           reviewed=bool(area) or any(e.method == "special_review" for e in entries))


@blueprint.route("/calendar/<int:year>/special-review", methods=["GET", "POST"])
def special_review(municipality: str, year: int):
    """The year's special review: its area (chosen per year, seed 003 1.4) and the units it samples."""
    _calendar_year(year)
    session = request_session()
    area = special_review_area(_stored_settings(), year)
    if request.method == "POST":
        require_editor()
        form = special_review_form(request.form)
        if form.validate() and _commit(form, lambda: choose_special_review_area(
                session, g.municipality.id, year, translated_data(form, "area")),
                {"area": f"area__{current_locale()}"}) is not REFUSED:
            flash(_("The area for special review in %(year)s was saved.", year=year), "success")
            return redirect(url_for("sweden.calendar", year=year))
        status = 400
    else:
        form = special_review_form(None, {f"area__{locale}": text for locale, text in area.items()})
        status = 200
    entry = next((e for e in year_calendar(session, g.municipality.id, year) if e.method == "special_review"), None)
    return render_template("sweden/special_review.html", year=year, form=form, area=area, entry=entry,
                           units=[u for u in units(session, g.municipality.id) if u.active],
                           locale=current_locale()), status


# --- units -------------------------------------------------------------------------------------------------


def _providers() -> list[tuple[int, str]]:
    return [(p.id, p.name) for p in request_session().scalars(
        select(Provider).where(Provider.municipality_id == g.municipality.id).order_by(Provider.name))]


def _provider_of(form: UnitForm) -> int | None:
    """The chosen provider, or a new one made from the typed name (flushed, committed with the unit)."""
    if form.new_provider.data and form.new_provider.data.strip():
        return add_provider(request_session(), g.municipality.id, form.new_provider.data.strip()).id
    if not form.provider_id.data:
        return None
    provider = request_session().get(Provider, int(form.provider_id.data))
    if provider is None or provider.municipality_id != g.municipality.id:
        abort(400)
    return provider.id


@blueprint.get("/units")
def unit_list(municipality: str):
    return render_template("sweden/units.html", units=units(request_session(), g.municipality.id))


@blueprint.route("/units/new", methods=["GET", "POST"])
def unit_new(municipality: str):
    require_editor()
    form = UnitForm().fill(_providers())
    status = 200
    if form.validate_on_submit():
        unit = _commit(form, lambda: add_unit(
            request_session(), g.municipality.id, form.code.data, form.name.data, form.operating_form.data,
            form.service_type.data, (form.district.data or "").strip(), _provider_of(form),
            form.provider_started_on.data, form.rotation_year.data))
        if unit is not REFUSED:
            flash(_("The unit was added."), "success")
            return redirect(url_for("sweden.unit_detail", unit_id=unit.id))
    if form.errors or form.form_errors:
        status = 400
    return render_template("sweden/unit_form.html", form=form, unit=None), status


@blueprint.get("/units/<int:unit_id>")
def unit_detail(municipality: str, unit_id: int):
    session = request_session()
    unit = _unit(unit_id)
    due = due_followups(session, unit, dt.date.today()) if unit.active else []
    return render_template("sweden/unit.html", unit=unit, followups=followups_of(session, unit),
                           deficiencies=deficiencies_of(session, unit), locale=current_locale(), due=due,
                           entry_link=entry_link)


@blueprint.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
def unit_edit(municipality: str, unit_id: int):
    require_editor()
    unit = _unit(unit_id)
    form = UnitForm(obj=unit if request.method == "GET" else None).fill(_providers())
    del form.code  # the code is the unit's stable key: imports name the unit by it
    if request.method == "GET":
        form.provider_id.data = str(unit.provider_id) if unit.provider_id else ""
    status = 200
    if form.validate_on_submit() and _commit(form, lambda: update_unit(
            request_session(), unit, form.name.data, form.operating_form.data, form.service_type.data,
            form.district.data or "", _provider_of(form), form.provider_started_on.data,
            form.rotation_year.data)) is not REFUSED:
        flash(_("The unit was saved."), "success")
        return redirect(url_for("sweden.unit_detail", unit_id=unit.id))
    if form.errors or form.form_errors:
        status = 400
    return render_template("sweden/unit_form.html", form=form, unit=unit), status


@blueprint.route("/units/<int:unit_id>/remove", methods=["GET", "POST"])
def unit_remove(municipality: str, unit_id: int):
    """Remove a unit from the follow-up: GET asks on a page of its own (no JavaScript needed), POST does it."""
    require_editor()
    unit = _unit(unit_id)
    if request.method == "GET":
        return render_template("sweden/confirm_unit_remove.html", unit=unit, cases=len(unit.cases),
                               followups=len(followups_of(request_session(), unit)))
    set_unit_followed(request_session(), unit, False)
    request_session().commit()
    flash(_("%(unit)s was removed from the follow-up. Its follow-ups, deficiencies and cases are kept, and it can "
            "be taken back from its page.", unit=unit.name), "success")
    return redirect(url_for("sweden.unit_list"))


@blueprint.post("/units/<int:unit_id>/restore")
def unit_restore(municipality: str, unit_id: int):
    """Undo a removal: the unit is followed up again."""
    require_editor()
    unit = _unit(unit_id)
    set_unit_followed(request_session(), unit, True)
    request_session().commit()
    flash(_("%(unit)s is followed up again.", unit=unit.name), "success")
    return redirect(url_for("sweden.unit_detail", unit_id=unit.id))


def _local_next(value: str | None) -> str | None:
    """A page of this municipality's follow-up to go back to, or None (never another site)."""
    prefix = url_for("sweden.index")
    return value if value and value.startswith(prefix) and "//" not in value and "\\" not in value else None


def _query_date(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@blueprint.route("/units/<int:unit_id>/followups/new", methods=["GET", "POST"])
def followup_new(municipality: str, unit_id: int):
    """Record a follow-up; from a calendar row, with its method (and planned date) filled in. Deficiencies
    found lead on to registering them."""
    require_editor()
    unit = _unit(unit_id)
    back = _local_next(request.values.get("next"))
    form = FollowUpForm().fill(current_locale())
    if request.method == "GET":
        if request.args.get("method") in methods():
            form.method.data = request.args["method"]
        form.planned_on.data = _query_date("planned_on")
    followup = REFUSED if not form.validate_on_submit() else _commit(form, lambda: record_followup(
        request_session(), unit, form.method.data, form.done_on.data, form.planned_on.data,
        form.deficiencies_found.data, (form.summary.data or "").strip()))
    if followup is not REFUSED:
        if followup.deficiencies_found:
            flash(_("The follow-up was recorded. Now register the deficiencies it found."), "success")
            found_on = followup.done_on or followup.planned_on
            return redirect(url_for("sweden.deficiency_new", unit_id=unit.id, found_on=found_on.isoformat(),
                                    followup=followup.id))
        flash(_("The follow-up was recorded."), "success")
        return redirect(back or url_for("sweden.unit_detail", unit_id=unit.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("sweden/followup_form.html", form=form, unit=unit, back=back), status


@blueprint.route("/units/<int:unit_id>/deficiencies/new", methods=["GET", "POST"])
def deficiency_new(municipality: str, unit_id: int):
    require_editor()
    unit = _unit(unit_id)
    form = DeficiencyForm()
    if request.method == "GET":  # from a follow-up that found deficiencies: its date and summary
        form.found_on.data = _query_date("found_on")
        followup = request.args.get("followup", type=int)
        source = request_session().get(FollowUp, followup) if followup else None
        if source is not None and source.unit_id == unit.id:
            form.description.data = source.summary
    deficiency = REFUSED if not form.validate_on_submit() else _commit(form, lambda: record_deficiency(
        request_session(), unit, form.found_on.data, form.description.data or "", form.recorded_by.data or "",
        serious=form.serious.data, repeated=form.repeated.data, acute=form.acute.data))
    if deficiency is not REFUSED:
        if deficiency.case_id is not None:
            flash(_("The deficiency was recorded and a case was opened."), "success")
            return redirect(url_for("sweden.case_detail", case_id=deficiency.case_id))
        flash(_("The deficiency was recorded. It is neither serious nor repeated, so no case was opened."),
              "success")
        return redirect(url_for("sweden.unit_detail", unit_id=unit.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("sweden/deficiency_form.html", form=form, unit=unit), status


# --- cases and the sanctions ladder -------------------------------------------------------------------------


@blueprint.get("/cases")
def cases(municipality: str):
    session = request_session()
    ladder = municipality_ladder(session, g.municipality.id)
    rows = [(case, next_step(case, ladder)) for case in open_cases(session, g.municipality.id)]
    return render_template("sweden/cases.html", rows=rows, is_overdue=is_overdue)


def _case_page(case, posted: FlaskForm | None = None, status: int = 200):
    ladder = municipality_ladder(request_session(), case.municipality_id)
    step_forms = []
    if can_edit():
        for code in available_steps(case, ladder):
            step_forms.append(posted if posted is not None and posted.step_code == code
                              else step_form(code, ladder[case.track][code]))
    return render_template("sweden/case.html", case=case, step_forms=step_forms, is_overdue=is_overdue,
                           withdrawable=withdrawable_termination(case) if can_edit() else None), status


@blueprint.get("/cases/<int:case_id>")
def case_detail(municipality: str, case_id: int):
    case = case_of(request_session(), g.municipality.id, case_id)
    if case is None:
        abort(404)
    return _case_page(case)


# Steps that end something for good (a contract): the case page links to a page of their own that says so
# and asks to confirm, rather than offering the step's form inline.
CONFIRMED_STEPS = ("terminate_contract", "terminate_for_breach")


def _confirm_step_page(case, form: FlaskForm, status: int = 200):
    return render_template("sweden/confirm_step.html", case=case, form=form), status


@blueprint.get("/cases/<int:case_id>/steps/<step>")
def case_step_confirm(municipality: str, case_id: int, step: str):
    """The page that asks to confirm a step of :data:`CONFIRMED_STEPS`, with its form."""
    require_editor()
    session = request_session()
    case = case_of(session, g.municipality.id, case_id)
    ladder = municipality_ladder(session, case.municipality_id) if case is not None else {}
    if case is None or step not in CONFIRMED_STEPS or step not in available_steps(case, ladder):
        abort(404)
    return _confirm_step_page(case, step_form(step, ladder[case.track][step]))


@blueprint.post("/cases/<int:case_id>/steps/<step>")
def case_step(municipality: str, case_id: int, step: str):
    require_editor()
    session = request_session()
    case = case_of(session, g.municipality.id, case_id)
    if case is None:
        abort(404)
    ladder = municipality_ladder(session, case.municipality_id)
    spec = ladder[case.track].get(step)
    if spec is None:
        abort(404)
    form = step_form(step, spec, request.form)
    if step not in available_steps(case, ladder):
        flash(_("This step cannot be taken now: the case is '%(state)s'.",
                state=str(STATE_LABELS.get(case.state, case.state))), "error")
        return _case_page(case, status=409)
    if not form.validate():
        return _confirm_step_page(case, form, 400) if step in CONFIRMED_STEPS else _case_page(case, form, 400)
    deadline = form.deadline.data if "deadline" in form._fields else None
    outcome = form.outcome.data if "outcome" in form._fields else None
    if _commit(form, lambda: take_step(
            session, case, step, form.taken_on.data, form.decided_by.data or "", outcome=outcome,
            deadline=deadline, note=(form.note.data or "").strip(), ladder=ladder),
            {"step": "decided_by"}) is REFUSED:
        again = session.get(type(case), case_id)
        return _confirm_step_page(again, form, 400) if step in CONFIRMED_STEPS else _case_page(again, form, 400)
    flash(_("Done: %(step)s.", step=str(STEP_LABELS.get(step, step))), "success")
    return redirect(url_for("sweden.case_detail", case_id=case_id))


@blueprint.route("/cases/<int:case_id>/withdraw-termination", methods=["GET", "POST"])
def case_withdraw_termination(municipality: str, case_id: int):
    """Withdraw a termination: GET asks on a page of its own (no JavaScript needed), POST does it. A POST about
    one that can no longer be withdrawn (a later step, or withdrawn already in another tab) is refused with a
    sentence on the case's page."""
    require_editor()
    session = request_session()
    case = case_of(session, g.municipality.id, case_id)
    if case is None:
        abort(404)
    if request.method == "GET":
        step = withdrawable_termination(case)
        if step is None:
            abort(404)
        return render_template("sweden/confirm_withdraw_termination.html", case=case, step=step,
                               due_on=deadline_before(case))
    try:
        withdraw_termination(session, case)
        session.commit()
    except SwedenValidationError as error:
        session.rollback()
        flash(error.message, "error")
        return redirect(url_for("sweden.case_detail", case_id=case_id))
    flash(_("The termination was withdrawn: the case is '%(state)s' again.",
            state=str(STATE_LABELS.get(case.state, case.state))), "success")
    return redirect(url_for("sweden.case_detail", case_id=case_id))


# --- lex Sarah --------------------------------------------------------------------------------------------


@blueprint.route("/lex-sarah", methods=["GET", "POST"])
def lex_sarah_reports(municipality: str):
    session = request_session()
    year = request.args.get("year", type=int) or dt.date.today().year
    form = LexSarahForm(data={"year": year} if request.method == "GET" else None)
    unit_rows = units(session, g.municipality.id)
    form.fill([(u.id, u.name) for u in unit_rows])
    status = 200
    if request.method == "POST":
        require_editor()
        if form.validate():
            unit_id = int(form.unit_id.data) if form.unit_id.data else None
            if unit_id is not None:
                _unit(unit_id)
            if _commit(form, lambda: lex_sarah.add_report(
                    session, g.municipality.id, form.year.data, form.area.data, form.sex.data or None,
                    form.reported_to_ivo.data, form.reported_on.data, (form.reference.data or "").strip(),
                    unit_id)) is not REFUSED:
                flash(_("The lex Sarah report was recorded."), "success")
                return redirect(url_for("sweden.lex_sarah_reports", year=form.year.data))
        status = 400
        year = form.year.data or year
    reports = session.scalars(select(LexSarahReport).where(
        LexSarahReport.municipality_id == g.municipality.id, LexSarahReport.year == year)
        .order_by(LexSarahReport.reported_on, LexSarahReport.id)).all()
    return render_template("sweden/lex_sarah.html", form=form, year=year, reports=reports,
                           table=lex_sarah.table(session, g.municipality.id, year), areas=lex_sarah.AREAS,
                           units_by_id={u.id: u for u in unit_rows}), status


# --- imports ----------------------------------------------------------------------------------------------


def _templates() -> list[QuestionTemplate]:
    return list(request_session().scalars(select(QuestionTemplate).where(
        QuestionTemplate.municipality_id == g.municipality.id).order_by(QuestionTemplate.id.desc())))


def _import_page(answers: AnswersImportForm | None = None, kolada: KoladaImportForm | None = None,
                 result=None, status: int = 200):
    templates = _templates()
    answers = answers or AnswersImportForm(formdata=None, data={"year": dt.date.today().year})
    answers.template_id.choices = choices(
        (str(t.id), _("%(name)s (district %(district)s, version %(version)s)", name=t.name, district=t.district,
                      version=t.version) if t.district else
         _("%(name)s (city-wide, version %(version)s)", name=t.name, version=t.version)) for t in templates)
    kolada = kolada or KoladaImportForm(formdata=None, prefix="kolada")
    return render_template("sweden/import.html", answers=answers, kolada=kolada, result=result,
                           has_templates=bool(templates)), status


@blueprint.get("/import")
def import_page(municipality: str):
    require_editor()
    return _import_page()


@blueprint.post("/import/answers")
def import_answers_upload(municipality: str):
    require_editor()
    session = request_session()
    form = AnswersImportForm()
    form.template_id.choices = choices((str(t.id), t.name) for t in _templates())
    if not form.validate():
        return _import_page(answers=form, status=400)
    template = session.get(QuestionTemplate, int(form.template_id.data))
    try:
        result = import_answers(session, template, form.year.data, io.BytesIO(form.file.data.read()),
                                replace=form.replace.data)
    except SwedenValidationError as error:
        session.rollback()
        _attach(form, error)
        return _import_page(answers=form, status=400)
    if not result.ok:
        session.rollback()
        form.file.errors = [*form.file.errors, _("No answer was saved: %(refused)s of %(rows)s rows were refused. "
                                                  "Correct them and upload the file again.",
                                                  refused=result.refused, rows=result.rows)]
        return _import_page(answers=form, result=result, status=400)
    session.commit()
    flash(ngettext("%(num)s answer was imported for %(year)s.", "%(num)s answers were imported for %(year)s.",
                   result.imported, year=form.year.data), "success")
    return redirect(url_for("sweden.import_page"))


@blueprint.post("/import/kolada")
def import_kolada_upload(municipality: str):
    require_editor()
    session = request_session()
    form = KoladaImportForm(prefix="kolada")
    if not form.validate():
        return _import_page(kolada=form, status=400)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kolada.json"
        form.file.data.save(path)
        result = _commit(form, lambda: kolada.import_kolada(session, g.municipality.id, path),
                         {"kolada_id": "file", "value": "file"})
        if result is REFUSED:
            return _import_page(kolada=form, status=400)
    flash(kolada.import_message(result), "success")
    return redirect(url_for("sweden.import_page"))


# --- settings ----------------------------------------------------------------------------------------------


def _settings_data(settings) -> dict[str, Any]:
    """The form's values from the stored settings: the chosen preset's, the other preset's defaults."""
    data: dict[str, Any] = {"schedule_preset": settings.schedule_preset,
                            "suppression_threshold": settings.suppression_threshold,
                            "kolada_id": settings.kolada_id or ""}
    for preset, params in SCHEDULE_PARAMS.items():
        values = effective_params(settings) if preset == settings.schedule_preset else PRESETS[preset]
        for param in params:
            name = f"{preset}_{param.name}"
            if param.kind == "window":
                data[f"{name}_from"], data[f"{name}_to"] = values[param.name]
            elif param.kind == "rotation":
                data.update({f"{name}_{kind}": year for kind, year in rotation_years(values).items()})
            else:
                data[name] = values[param.name]
    for track, periods in effective_deadlines(settings).items():
        for key, period in periods.items():
            data[f"{track}_{key}_none"] = period is None
            if period is not None:
                data[f"{track}_{key}_months"], data[f"{track}_{key}_days"] = period
    data["external_warning_step"] = uses_warning(settings)
    return data


def _schedule_values(form: FlaskForm, preset: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for param in SCHEDULE_PARAMS.get(preset, ()):
        name = f"{preset}_{param.name}"
        if param.kind == "window":
            values[param.name] = (form[f"{name}_from"].data, form[f"{name}_to"].data)
        elif param.kind == "rotation":
            values[param.name] = {kind: form[f"{name}_{kind}"].data for kind in SERVICE_TYPE_LABELS}
        else:
            values[param.name] = form[name].data
    return values


def _deadline_values(form: FlaskForm) -> dict[str, dict[str, tuple[Any, Any] | None]]:
    """Per track and deadline, (months, days) as typed, or None where 'no deadline' is ticked."""
    return {track: {key: None if form[f"{track}_{key}_none"].data
                    else (form[f"{track}_{key}_months"].data, form[f"{track}_{key}_days"].data)
                    for key in track_deadlines(track)} for track in ("external", "in_house")}


def _stored_settings() -> SwedenSettings:
    """The municipality's settings, or the defaults unsaved: reading the page writes nothing."""
    return request_session().get(SwedenSettings, g.municipality.id) or default_settings(g.municipality.id)


@blueprint.route("/settings", methods=["GET", "POST"])
def settings_page(municipality: str):
    session = request_session()
    settings = _stored_settings()
    status = 200
    if request.method == "POST":
        require_editor()
        form = settings_form(request.form)
        if form.validate() and _commit(form, lambda: save_settings(
                session, g.municipality.id, preset=form.schedule_preset.data,
                schedule=_schedule_values(form, form.schedule_preset.data), deadlines=_deadline_values(form),
                threshold=form.suppression_threshold.data, kolada_id=form.kolada_id.data,
                warning=bool(form.external_warning_step.data))) is not REFUSED:
            flash(_("The settings were saved."), "success")
            return redirect(url_for("sweden.settings_page"))
        status = 400
        settings = _stored_settings()
    else:
        form = settings_form(None, _settings_data(settings))
    return render_template(
        "sweden/settings.html", form=form, settings=settings, params=SCHEDULE_PARAMS, presets=PRESETS,
        preset_labels=PRESET_LABELS, current=effective_params(settings), deadlines=effective_deadlines(settings),
        default_deadlines=default_deadlines(), deadline_labels=DEADLINE_LABELS, track_deadlines=track_deadlines,
        default_threshold=individual.DEFAULT_THRESHOLD, rotation_years=rotation_years, warning=uses_warning(settings),
        service_types=SERVICE_TYPE_LABELS, review_areas=special_review_areas(settings),
        period_words=period_words), status


# --- quality goals ---------------------------------------------------------------------------------------


class _GoalRemoved(Exception):
    """A page or a form of a goal that was removed (an old link, another tab): told so, not a 404."""

    def __init__(self, year: int) -> None:
        super().__init__(year)
        self.year = year


@blueprint.errorhandler(_GoalRemoved)
def _goal_removed(error: _GoalRemoved):
    flash(goals.GoalGone().message if request.method == "POST"
          else _("This quality goal was removed. A planner can restore it from the goals page."), "error")
    return redirect(url_for("sweden.goal_list", year=error.year))


def _goal(goal_id: int) -> QualityGoal:
    """The municipality's goal in force (404 for another's; a removed one: :class:`_GoalRemoved`)."""
    goal = _owned(QualityGoal, goal_id)
    if goal.removed_at is not None:
        raise _GoalRemoved(goal.year)
    return goal


def _goal_aliases() -> dict[str, str]:
    return {"title": "title__en", "value": "value", "national_value": "national_value"}


def _goals_year() -> int:
    """The year asked for; else this year when it has goals, else the nearest year that has (the latest
    before, else the first after): Eskilstuna's goals page opens on its report's year."""
    asked = request.args.get("year", type=int)
    if asked is not None and YEARS[0] <= asked <= YEARS[1]:
        return asked
    this = dt.date.today().year
    years = set(request_session().scalars(select(QualityGoal.year).where(
        QualityGoal.municipality_id == g.municipality.id, goals.LIVE)))
    if not years or this in years:
        return this
    earlier = [y for y in years if y < this]
    return max(earlier) if earlier else min(years)


@blueprint.route("/goals", methods=["GET", "POST"])
def goal_list(municipality: str):
    session = request_session()
    year = _goals_year()
    form = GoalForm(formdata=request.form if request.method == "POST" else None, data={"year": year})
    status = 200
    if request.method == "POST":
        require_editor()
        goal = REFUSED if not form.validate() else _commit(form, lambda: goals.create_goal(
            session, g.municipality.id, form.year.data, translated_data(form, "title"), form.target.data,
            form.kolada_kpi.data, form.kind.data), _goal_aliases())
        if goal is not REFUSED:
            flash(_("The quality goal was added."), "success")
            return redirect(url_for("sweden.goal_detail", goal_id=goal.id))
        status = 400
        year = form.year.data if isinstance(form.year.data, int) and 2000 <= form.year.data <= 2100 else year
    return render_template("sweden/goals.html", form=form, year=year, years=YEARS,
                           rows=goals.attainment(session, g.municipality.id, year), locale=current_locale(),
                           removed=goals.removed_goals(session, g.municipality.id, year) if can_edit() else []), status


def _goal_page(goal: QualityGoal, form: GoalForm | None = None, value_form: GoalValueForm | None = None,
               status: int = 200, indicator_form: IndicatorForm | None = None):
    if form is None:
        data = {"year": goal.year, "target": goal.target, "kind": goal.kind,
                "kolada_kpi": goal.indicators[0].kolada_kpi if goal.indicators else "",
                **{f"title__{k}": v for k, v in (goal.title or {}).items()}}
        form = GoalForm(formdata=None, data=data)
        del form.year  # a goal belongs to its year; a new year's goal is a new goal
    if value_form is None:
        value_form = GoalValueForm(formdata=None, data={"year": goal.year}, prefix="result")
    _indicator_choices(value_form, goal)
    indicator_form = indicator_form or IndicatorForm(formdata=None, prefix="indicator")
    return render_template("sweden/goal.html", goal=goal, form=form, value_form=value_form,
                           indicator_form=indicator_form,
                           rows=goals.goal_attainment(goal, goal.year, goals.earlier_indicators(
                               request_session(), goal.municipality_id, goal.year)),
                           locale=current_locale()), status


def _indicator_choices(form: GoalValueForm, goal: QualityGoal) -> None:
    locale = current_locale()
    form.indicator_id.choices = choices([
        (str(i.id), translated(i.scope, locale) or _("The goal as a whole")) for i in goal.indicators])


@blueprint.get("/goals/<int:goal_id>")
def goal_detail(municipality: str, goal_id: int):
    return _goal_page(_goal(goal_id))


@blueprint.post("/goals/<int:goal_id>")
def goal_edit(municipality: str, goal_id: int):
    require_editor()
    goal = _goal(goal_id)
    form = GoalForm()
    del form.year  # a goal belongs to its year; a new year's goal is a new goal
    if form.validate() and _commit(form, lambda: goals.update_goal(
            request_session(), goal, translated_data(form, "title"), form.target.data, form.kolada_kpi.data,
            form.kind.data), _goal_aliases()) is not REFUSED:
        flash(_("The quality goal was saved."), "success")
        return redirect(url_for("sweden.goal_detail", goal_id=goal.id))
    return _goal_page(_goal(goal_id), form=form, status=400)


@blueprint.post("/goals/<int:goal_id>/values")
def goal_value(municipality: str, goal_id: int):
    require_editor()
    goal = _goal(goal_id)
    form = GoalValueForm(prefix="result")
    _indicator_choices(form, goal)
    if form.validate():
        indicator = next(i for i in goal.indicators if str(i.id) == form.indicator_id.data)
        outcome = {"yes": True, "no": False}.get(form.outcome.data)
        if _commit(form, lambda: goals.record_value(request_session(), indicator, form.year.data, form.value.data,
                                                    form.national_value.data, outcome,
                                                    translated_data(form, "comment"))) is not REFUSED:
            flash(_("The result was recorded."), "success")
            return redirect(url_for("sweden.goal_detail", goal_id=goal.id))
    return _goal_page(_goal(goal_id), value_form=form, status=400)


@blueprint.post("/goals/<int:goal_id>/indicators")
def goal_indicator(municipality: str, goal_id: int):
    require_editor()
    goal = _goal(goal_id)
    form = IndicatorForm(prefix="indicator")
    if form.validate() and _commit(form, lambda: goals.create_indicator(
            request_session(), goal, translated_data(form, "scope"), form.kolada_kpi.data),
            {"scope": f"scope__{current_locale()}"}) is not REFUSED:
        flash(_("The goal now also measures this part."), "success")
        return redirect(url_for("sweden.goal_detail", goal_id=goal.id))
    return _goal_page(_goal(goal_id), indicator_form=form, status=400)


@blueprint.route("/goals/<int:goal_id>/delete", methods=["GET", "POST"])
def goal_delete(municipality: str, goal_id: int):
    """Remove a quality goal: GET asks on a page of its own, with what it keeps; POST removes it (the goals page
    restores it)."""
    require_editor()
    session = request_session()
    goal = _goal(goal_id)
    if request.method == "GET":
        values = sum(len(indicator.values) for indicator in goal.indicators)
        return render_template("sweden/confirm_goal_delete.html", goal=goal, values=values, locale=current_locale())
    year = goal.year
    goals.remove_goal(session, goal)
    session.commit()
    flash(_("The quality goal was removed. It can be restored from the list of removed goals below."), "success")
    return redirect(url_for("sweden.goal_list", year=year) + "#removed-goals")


@blueprint.post("/goals/<int:goal_id>/restore")
def goal_restore(municipality: str, goal_id: int):
    """Undo a goal's removal: it is back as it was, with its parts and results."""
    require_editor()
    session = request_session()
    goal = _owned(QualityGoal, goal_id)
    try:
        goals.restore_goal(session, goal)
        session.commit()
    except SwedenValidationError as error:
        session.rollback()
        flash(error.message, "error")
        return redirect(url_for("sweden.goal_list", year=goal.year))
    flash(_("The quality goal “%(goal)s” is back, with its parts and recorded results.",
            goal=translated(goal.title, current_locale())), "success")
    return redirect(url_for("sweden.goal_detail", goal_id=goal.id))


# --- question templates and results ----------------------------------------------------------------------


def _template(template_id: int) -> QuestionTemplate:
    return _owned(QuestionTemplate, template_id)


@blueprint.get("/templates")
def template_list(municipality: str):
    session = request_session()
    cities = individual.city_templates(session, g.municipality.id)
    if len(cities) == 1:
        return redirect(url_for("sweden.template_detail", template_id=cities[0].id))
    return render_template("sweden/templates.html", templates=cities)


@blueprint.post("/templates")
def template_create(municipality: str):
    require_editor()
    session = request_session()
    template = individual.create_default_template(session, g.municipality.id)
    session.commit()
    flash(_("The city-wide question template was created."), "success")
    return redirect(url_for("sweden.template_detail", template_id=template.id))


def _question_choices(form: DistrictQuestionForm, definition: dict[str, Any]) -> None:
    locale = current_locale()
    form.area.choices = choices([(a["code"], translated(a["label"], locale)) for a in definition["areas"]])
    form.scale.choices = choices([(code, _scale_text(scale, locale)) for code, scale in definition["scales"].items()])


def _scale_text(scale: dict[str, Any], locale: str) -> str:
    labels = scale.get("labels") or {}
    words = labels.get(locale) or labels.get("en") or []
    return f"{scale['min']}–{scale['max']}" + (f" ({words[0]} … {words[-1]})" if words else "")


def _template_page(template: QuestionTemplate, form: DistrictQuestionForm | None = None, status: int = 200):
    session = request_session()
    city = template.parent or template
    if form is None:
        form = DistrictQuestionForm(formdata=None, data={"district": template.district})
    _question_choices(form, individual.merged_definition(city))
    extensions = individual.extensions_of(session, city)
    return render_template("sweden/template.html", template=template, city=city,
                           definition=individual.merged_definition(city), extensions=extensions,
                           form=form, locale=current_locale(), scale_text=_scale_text), status


@blueprint.get("/templates/<int:template_id>")
def template_detail(municipality: str, template_id: int):
    return _template_page(_template(template_id))


@blueprint.post("/templates/<int:template_id>/questions")
def template_question(municipality: str, template_id: int):
    require_editor()
    session = request_session()
    template = _template(template_id)
    city = template.parent or template
    form = DistrictQuestionForm()
    extension = REFUSED if not form.validate() else _commit(form, lambda: individual.add_district_question(
        session, city, form.district.data, form.code.data, form.area.data, form.scale.data,
        translated_data(form, "text")), {"question": "code", "text": "text__en"})
    if extension is not REFUSED:
        flash(_("The question was added to the district's extension."), "success")
        return redirect(url_for("sweden.template_detail", template_id=extension.id))
    return _template_page(_template(template_id), form, 400)


# --- individuppföljning results: the page and its CSV / XLSX, published as the PDF is -------------------------

RESULTS_PLAN = "followup-plan"  # the plan kind whose approval opens a year's results to viewers


def _viewer_years() -> list[int]:
    """The years whose follow-up plan a council viewer may read (approved), latest first."""
    plan_kind = plan_kind_enabled(RESULTS_PLAN)
    if plan_kind is None:
        return []
    rows = request_session().execute(select(AnnualPlan.year, AnnualPlan.status).where(
        AnnualPlan.municipality_id == g.municipality.id, AnnualPlan.kind == RESULTS_PLAN))
    return sorted((year for year, status in rows if status in plan_kind.read_only_statuses), reverse=True)


def _results_year(year: int | None) -> int | None:
    """The year to show: the one asked for, else this year; viewers see only years whose follow-up plan is
    approved (as the API serves plans), by default the latest (None: there is none yet)."""
    if year is not None and not 2000 <= year <= 2100:
        abort(404)
    if can_edit():
        return year or dt.date.today().year
    years = _viewer_years()
    if year is not None and year not in years:
        abort(404)
    return year if year is not None else next(iter(years), None)


@blueprint.get("/results")
def results(municipality: str):
    session = request_session()
    year = _results_year(request.args.get("year", type=int))
    data = results_views.published(session, g.municipality.id, year) if year is not None else None
    return render_template("sweden/results.html", year=year or dt.date.today().year, results=data,
                           waiting=year is None, locale=current_locale(),
                           threshold=individual.threshold_for(session, g.municipality.id),
                           share=results_views.share_value, answers=results_views.answers_text)


@blueprint.get("/results/<int:year>.<any(csv, xlsx):fmt>")
def results_download(municipality: str, year: int, fmt: str):
    if _results_year(year) is None:
        abort(404)
    data = results_views.published(request_session(), g.municipality.id, year)
    if data is None or not data.areas:
        abort(404)
    header, rows = results_views.table(data, current_locale(), g.municipality.default_locale)
    # core's writers: CSV and XLSX cells that would run as formulas are written as text
    body, mimetype = (to_csv(header, rows), CSV) if fmt == "csv" else (to_xlsx(header, rows, "results"), XLSX)
    filename = f"{g.municipality.slug}-{year}-individuppfoljning.{fmt}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- the quality report: its sections and its cover ---------------------------------------------------------


def _quality_plan(year: int) -> AnnualPlan | None:
    return request_session().scalar(select(AnnualPlan).where(
        AnnualPlan.municipality_id == g.municipality.id, AnnualPlan.year == year, AnnualPlan.kind == "quality-report"))


def _quality_locked(year: int) -> bool:
    """Whether the year's quality report is adopted (read-only): its list and cover are then what was adopted."""
    plan, kind = _quality_plan(year), plan_kind_enabled("quality-report")
    return plan is not None and kind is not None and plan.status in kind.read_only_statuses


def _quality_rows(year: int) -> list[dict[str, Any]]:
    from core.sdk.plans import section_content
    from core.sdk.web import context as web_context

    plan = _quality_plan(year)
    if plan is None:
        return []
    context = web_context("sweden")
    return section_content(context.session, context.registry, plan, quality_report.SECTION).get("rows") or []


def _cover_form_data(year: int) -> dict[str, Any]:
    cover = quality_report.cover_of(request_session(), g.municipality.id, year)
    data: dict[str, Any] = {"report_date": cover["report_date"],
                            **{f"organisation__{k}": v for k, v in cover["organisation"].items()}}
    for slot, person in enumerate(cover["responsible"][:RESPONSIBLE_SLOTS], start=1):
        data[f"person{slot}_name"] = person["name"]
        data.update({f"person{slot}_role__{k}": v for k, v in (person.get("role") or {}).items()})
    return data


def _quality_page(year: int, section_form: QualitySectionForm | None = None, cover_form: CoverForm | None = None,
                  status: int = 200):
    session = request_session()
    rows = _quality_rows(year)
    counts = {}
    for row in rows:
        counts[row.get("section")] = counts.get(row.get("section"), 0) + 1
    return render_template(
        "sweden/quality_report.html", year=year, years=YEARS, plan=_quality_plan(year), locked=_quality_locked(year),
        sections=quality_report.sections_for(session, g.municipality.id, year), counts=counts,
        shows=quality_report.SHOWS,
        section_form=section_form or QualitySectionForm(formdata=None, prefix="section"),
        cover_form=cover_form or CoverForm(formdata=None, data=_cover_form_data(year), prefix="cover"),
        cover=quality_report.cover_of(session, g.municipality.id, year), slots=RESPONSIBLE_SLOTS), status


def _quality_year(year: int) -> int:
    if not YEARS[0] <= year <= YEARS[1]:
        abort(404)
    return year


@blueprint.get("/quality-report/<int:year>")
def quality_report_page(municipality: str, year: int):
    return _quality_page(_quality_year(year))


def _refuse_locked(year: int) -> Any:
    if _quality_locked(year):
        flash(_("The quality report of %(year)s is adopted: its sections and cover stay as they were adopted.",
                year=year), "error")
        return redirect(url_for("sweden.quality_report_page", year=year))
    return None


@blueprint.post("/quality-report/<int:year>/sections")
def quality_section_add(municipality: str, year: int):
    year = _quality_year(year)
    if (refused := _refuse_locked(year)) is not None:
        return refused
    form = QualitySectionForm(prefix="section")
    if form.validate() and _commit(form, lambda: quality_report.add_section(
            request_session(), g.municipality.id, year, translated_data(form, "title"), int(form.level.data),
            form.shows.data), {"title": "title__en"}) is not REFUSED:
        flash(_("The section was added at the end of the report."), "success")
        return redirect(url_for("sweden.quality_report_page", year=year) + "#quality-sections")
    return _quality_page(year, section_form=form, status=400)


class _SectionGone(Exception):
    """A form about a section that was removed after the form was opened."""


def _section_or_404(year: int, key: str) -> dict[str, Any]:
    """The section; a POST about one removed since (another tab, someone else) is told so, not a 404."""
    section = quality_report.section_of(quality_report.sections_for(request_session(), g.municipality.id, year), key)
    if section is None:
        if request.method == "POST":
            raise _SectionGone()
        abort(404)
    return section


@blueprint.errorhandler(_SectionGone)
def _section_gone_elsewhere(error: _SectionGone):
    year = request.view_args.get("year") if request.view_args else None
    flash(_("This section was removed from the report after you opened the page: nothing was changed."), "error")
    return redirect(url_for("sweden.quality_report_page", year=year) + "#quality-sections")


@blueprint.route("/quality-report/<int:year>/sections/<key>", methods=["GET", "POST"])
def quality_section_edit(municipality: str, year: int, key: str):
    require_editor()
    year = _quality_year(year)
    if request.method == "POST" and quality_report.section_of(
            quality_report.stored_sections(request_session(), g.municipality.id, year), key) is None:
        return _section_gone(year)
    section = _section_or_404(year, key)
    if request.method == "POST":
        if (refused := _refuse_locked(year)) is not None:
            return refused
        form = QualitySectionForm(prefix="section")
        if form.validate() and _commit(form, lambda: quality_report.change_section(
                request_session(), g.municipality.id, year, key, translated_data(form, "title"), int(form.level.data),
                form.shows.data), {"title": "title__en"}) is not REFUSED:
            flash(_("The section was saved."), "success")
            return redirect(url_for("sweden.quality_report_page", year=year) + "#quality-sections")
        status = 400
    else:
        form = QualitySectionForm(formdata=None, prefix="section", data={
            "level": str(section["level"]), "shows": section["shows"],
            **{f"title__{k}": v for k, v in section["title"].items()}})
        status = 200
    return render_template("sweden/quality_section.html", year=year, section=section, form=form), status


def _section_gone(year: int):
    """A rename of a section removed since the form was opened (in another tab, by someone else): refused
    with a sentence, the title as typed kept in the form that adds it back as a new section."""
    form = QualitySectionForm(prefix="section")
    form.validate()
    form.title__en.errors = [_("This section was removed from the report after you opened it, so it was not "
                               "renamed. What you typed is below: add it as a new section if it should stay.")]
    return _quality_page(year, section_form=form, status=409)


@blueprint.post("/quality-report/<int:year>/sections/<key>/move")
def quality_section_move(municipality: str, year: int, key: str):
    year = _quality_year(year)
    _section_or_404(year, key)
    if (refused := _refuse_locked(year)) is not None:
        return refused
    quality_report.move_section(request_session(), g.municipality.id, year, key,
                                -1 if request.form.get("direction") == "up" else 1)
    request_session().commit()
    flash(_("The section was moved."), "success")
    return redirect(url_for("sweden.quality_report_page", year=year) + f"#section-{key}")


@blueprint.route("/quality-report/<int:year>/sections/<key>/remove", methods=["GET", "POST"])
def quality_section_remove(municipality: str, year: int, key: str):
    """Remove a section: GET asks on a page of its own, saying how many texts go with it; POST removes the
    section and its rows of the plan (one revision of the plan)."""
    from core.sdk.plans import PlanError, replace_sections
    from core.sdk.web import context as web_context

    require_editor()
    year = _quality_year(year)
    section = _section_or_404(year, key)
    rows = [row for row in _quality_rows(year) if row.get("section") == key]
    if request.method == "GET":
        return render_template("sweden/confirm_quality_section_remove.html", year=year, section=section,
                               rows=len(rows))
    if (refused := _refuse_locked(year)) is not None:
        return refused
    context = web_context("sweden")
    plan = _quality_plan(year)
    try:
        quality_report.remove_section(context.session, g.municipality.id, year, key)
        if plan is not None and rows:
            kept = [row for row in _quality_rows(year) if row.get("section") != key]
            replace_sections(context.session, context.registry, plan, {quality_report.SECTION: {"rows": kept}},
                             _signed_in(), "quality-section-removed")
        context.session.commit()
    except PlanError as error:
        context.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("sweden.quality_report_page", year=year))
    flash(_("The section was removed with its texts."), "success")
    return redirect(url_for("sweden.quality_report_page", year=year) + "#quality-sections")


def _signed_in() -> Any:
    """The signed-in user, whom the plan's revision names (core's audit trail's actor)."""
    from core.sdk.audit import actor

    user = actor()
    return user if hasattr(user, "id") else None


@blueprint.post("/quality-report/<int:year>/cover")
def quality_cover(municipality: str, year: int):
    year = _quality_year(year)
    if (refused := _refuse_locked(year)) is not None:
        return refused
    form = CoverForm(prefix="cover")
    people = [{"name": form[f"person{slot}_name"].data or "", "role": translated_data(form, f"person{slot}_role")}
              for slot in range(1, RESPONSIBLE_SLOTS + 1)]
    if form.validate() and _commit(form, lambda: quality_report.set_cover(
            request_session(), g.municipality.id, year, translated_data(form, "organisation"), form.report_date.data,
            people), {"responsible": "person1_name"}) is not REFUSED:
        flash(_("The cover was saved."), "success")
        return redirect(url_for("sweden.quality_report_page", year=year))
    return _quality_page(year, cover_form=form, status=400)
