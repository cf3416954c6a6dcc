"""The Swedish plugin's web forms (Flask-WTF, so CSRF applies); choices are filled per request."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from core.sdk import DB_INTEGER_MAX, LOCALES, NumberError, current_locale, parse_integer
from core.sdk.forms import FlaskForm, LocaleDecimalField, LocaleLabel, choices, number_too_large
from plugins.sweden.i18n import _, _l
from plugins.sweden.services.cases import STEP_LABELS
from plugins.sweden.services.lex_sarah import AREAS
from plugins.sweden.services.reference import OPERATING_FORM_LABELS, SERVICE_TYPE_LABELS, methods

OUTCOME_CHOICES = [("remedied", _l("The deficiencies are remedied")),
                   ("not_remedied", _l("The deficiencies are not remedied"))]
SEX_CHOICES = [("", _l("Not stated")), ("female", _l("Woman")), ("male", _l("Man"))]
GOAL_KIND_LABELS = {"percent": _l("A percentage"), "count": _l("A count"), "yes_no": _l("Yes or no"),
                    "text": _l("Described in words")}
OUTCOME_LABELS = {"": _l("Not judged"), "yes": _l("Yes"), "no": _l("No")}


def _labelled(labels: dict[str, Any]) -> list:
    return choices([(code, str(label)) for code, label in labels.items()])


class WholeNumberField(IntegerField):
    """A whole number (years, months, days, thresholds) read the way the page's language writes it
    (core's parse_integer: plain digits everywhere, sv '1 000'); a refusal shows how, translated.
    Still a number input, whose browser sends plain digits and is shown them back."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        try:
            self.data = parse_integer(valuelist[0], current_locale())
        except NumberError as error:
            raise ValueError(error.message) from None
        if refusal := number_too_large(self.data, DB_INTEGER_MAX + 1):  # its columns are INTEGER
            self.data = None
            raise refusal

    def pre_validate(self, form: FlaskForm) -> None:
        if self.process_errors:  # unreadable: its message is enough
            raise StopValidation()


class UnitForm(FlaskForm):
    code = StringField(_l("Code"), [DataRequired(), Length(max=40)],
                       description=_l("A short key that never changes; answer files name units by it."))
    name = StringField(_l("Name"), [DataRequired(), Length(max=200)])
    operating_form = SelectField(_l("Operating form"), [DataRequired()])
    service_type = SelectField(_l("Service type"), [DataRequired()])
    provider_id = SelectField(_l("Provider"), [Optional()])
    new_provider = StringField(_l("Or a new provider"), [Optional(), Length(max=200)],
                               description=_l("Type a name to add a provider that is not in the list."))
    district = StringField(_l("District"), [Optional(), Length(max=120)])
    provider_started_on = DateField(_l("Provider started on"), [Optional()],
                                    description=_l("The day the provider started taking clients."))
    rotation_year = WholeNumberField(
        _l("A year of the unit's rotation"), [Optional()],
        description=_l("A year in which the unit's regular follow-up falls, e.g. 2026 for an in-house residence "
                       "followed up every third year. Leave it empty to follow the schedule rules."))

    def fill(self, providers: list[tuple[int, str]]) -> UnitForm:
        self.operating_form.choices = _labelled(OPERATING_FORM_LABELS)
        self.service_type.choices = _labelled(SERVICE_TYPE_LABELS)
        self.provider_id.choices = choices([("", _("(no provider: in-house)")),
                                            *((str(pid), name) for pid, name in providers)])
        return self

    def validate_new_provider(self, field) -> None:
        if field.data and field.data.strip() and self.provider_id.data:
            raise ValidationError(_("Choose a provider from the list or type a new one, not both."))


class FollowUpForm(FlaskForm):
    method = SelectField(_l("Method"), [DataRequired()])
    done_on = DateField(_l("Done on"), [Optional()])
    planned_on = DateField(_l("Planned for"), [Optional()], description=_l("Leave empty when it is done."))
    deficiencies_found = BooleanField(_l("Deficiencies were found"))
    summary = TextAreaField(_l("Summary"), [Optional(), Length(max=4000)])

    def fill(self, locale: str) -> FollowUpForm:
        self.method.choices = choices([(code, m.get(locale) or m["en"]) for code, m in methods().items()])
        return self

    def validate_done_on(self, field) -> None:
        if field.data is None and self.planned_on.data is None:
            raise ValidationError(_("Give the date the follow-up was done or is planned for."))
        if field.data is not None and field.data > dt.date.today():
            raise ValidationError(_("A follow-up cannot be done in the future; give the planned date instead."))


class DeficiencyForm(FlaskForm):
    found_on = DateField(_l("Found on"), [InputRequired(_l("Give the date the deficiency was found."))])
    description = TextAreaField(_l("Deficiency"), [DataRequired(_l("Describe the deficiency.")), Length(max=4000)])
    serious = BooleanField(_l("Serious deficiency"))
    repeated = BooleanField(_l("Repeated deficiency"),
                            description=_l("A deficiency at the same unit within the last 12 months also counts."))
    acute = BooleanField(_l("Acute: the action plan is due within a week"))
    recorded_by = StringField(_l("Decided by"), [DataRequired(_l("Name who decided.")), Length(max=200)])


def step_form(step: str, spec: dict[str, Any], formdata: Any = None) -> FlaskForm:
    """The form of one ladder step: date, who decided, and the outcome or deadline the step needs."""

    fields: dict[str, Any] = {
        "taken_on": DateField(_l("Date of the decision"), [InputRequired(_l("Give the date."))], default=dt.date.today),
        "decided_by": StringField(_l("Decided by"), [DataRequired(_l("Name who decided.")), Length(max=200)]),
    }
    if "outcomes" in spec:
        fields["outcome"] = RadioField(_l("Outcome"), [InputRequired(_l("Say whether the deficiencies were "
                                                                        "remedied."))],
                                       choices=choices(OUTCOME_CHOICES))
    if spec.get("due_from_decision"):
        fields["deadline"] = DateField(_l("Deadline"), [InputRequired(_l("A warning needs a deadline."))],
                                       description=_l("The date by which the provider must remedy the deficiencies."))
    elif spec.get("due"):
        fields["deadline"] = DateField(_l("Deadline"), [Optional()],
                                       description=_l("Leave empty for the municipality's default deadline."))
    if spec.get("note_required"):
        fields["note"] = TextAreaField(_l("Why"), [DataRequired(_l("Say why in the note.")), Length(max=4000)])
    else:
        fields["note"] = TextAreaField(_l("Note"), [Optional(), Length(max=4000)])
    StepForm = type("StepForm", (FlaskForm,), fields)
    form = StepForm(formdata=formdata, prefix=step)
    form.step_label = STEP_LABELS.get(step, step)
    form.step_code = step
    return form


class LexSarahForm(FlaskForm):
    year = WholeNumberField(_l("Year"), [InputRequired(), NumberRange(2000, 2100)])
    reported_on = DateField(_l("Reported on"), [Optional()])
    area = SelectField(_l("Area"), [DataRequired()])
    sex = SelectField(_l("Sex of the person concerned"), [Optional()])
    reported_to_ivo = BooleanField(_l("Reported to the Health and Social Care Inspectorate (IVO)"))
    unit_id = SelectField(_l("Unit"), [Optional()])
    reference = StringField(_l("Reference"), [Optional(), Length(max=80)])

    def fill(self, units: list[tuple[int, str]]) -> LexSarahForm:
        self.area.choices = _labelled(AREAS)
        self.sex.choices = choices([(code, str(label)) for code, label in SEX_CHOICES])
        self.unit_id.choices = choices([("", _("(no unit)")), *((str(uid), name) for uid, name in units)])
        return self

    def validate_reported_on(self, field) -> None:
        if field.data is not None and self.year.data is not None and field.data.year != self.year.data:
            raise ValidationError(_("The date is not in the year %(year)s.", year=self.year.data))


class AnswersImportForm(FlaskForm):
    file = FileField(_l("CSV file with answers"), [FileRequired(_l("Choose a CSV file to upload."))],
                     description=_l("Columns: unit, response, question, value; optional: area, respondent."))
    template_id = SelectField(_l("Question template"), [DataRequired()])
    year = WholeNumberField(_l("Year"), [InputRequired(), NumberRange(2000, 2100)])
    replace = BooleanField(_l("Replace the answers already imported for this year"))


class KoladaImportForm(FlaskForm):
    file = FileField(_l("Kolada JSON file"), [FileRequired(_l("Choose a JSON file to upload."))],
                     description=_l("A document as Kolada's API v3 (or v2) returns it: "
                                     "/v3/data/kpi/…/municipality/…/year/…"))


# --- settings, quality goals, question templates -------------------------------------------------------


def _translated_fields(fields: dict[str, Any], key: str, label: Any, max_length: int = 400) -> None:
    for locale in LOCALES:
        fields[f"{key}__{locale}"] = StringField(LocaleLabel(label, locale), [Optional(), Length(max=max_length)],
                                                 render_kw={"lang": locale})


def settings_form(formdata: Any = None, data: dict[str, Any] | None = None) -> FlaskForm:
    """Schedule preset and both presets' parameters, ladder deadlines per track, threshold, Kolada id."""
    from plugins.sweden.services.settings import DEADLINE_LABELS, PRESET_LABELS, SCHEDULE_PARAMS, track_deadlines

    fields: dict[str, Any] = {
        "schedule_preset": SelectField(_l("Schedule rules"), [DataRequired()],
                                       choices=choices([(k, str(v)) for k, v in PRESET_LABELS.items()])),
    }
    for preset, params in SCHEDULE_PARAMS.items():
        for param in params:
            name = f"{preset}_{param.name}"
            if param.kind == "bool":
                fields[name] = BooleanField(param.label)
            elif param.kind == "int":
                fields[name] = WholeNumberField(param.label, [Optional()])
            elif param.kind == "rotation":
                for kind, label in SERVICE_TYPE_LABELS.items():
                    fields[f"{name}_{kind}"] = WholeNumberField(
                        _l("%(service_type)s: a year it is followed up", service_type=label), [Optional()])
            else:
                fields[f"{name}_from"] = WholeNumberField(param.label, [Optional()])
                fields[f"{name}_to"] = WholeNumberField(_l("to (months)"), [Optional()])
    for track in ("external", "in_house"):
        for key in track_deadlines(track):
            fields[f"{track}_{key}_months"] = WholeNumberField(
                _l("%(deadline)s: months", deadline=DEADLINE_LABELS[key]), [Optional()])
            fields[f"{track}_{key}_days"] = WholeNumberField(
                _l("%(deadline)s: days", deadline=DEADLINE_LABELS[key]), [Optional()])
            fields[f"{track}_{key}_none"] = BooleanField(
                _l("%(deadline)s: no deadline", deadline=DEADLINE_LABELS[key]))
    fields["external_warning_step"] = BooleanField(
        _l("A warning with a deadline before the contract is terminated"),
        description=_l("Without it, a review that finds the deficiencies not remedied leads to termination."))
    fields["suppression_threshold"] = WholeNumberField(
        _l("Suppression threshold"),
        [InputRequired(_l("Give the suppression threshold.")),
         NumberRange(min=1, max=1000, message=_l("The threshold must be a whole number from 1 to 1000."))],
        description=_l("Groups with fewer respondents than this are hidden in results, exports and reports."))
    fields["kolada_id"] = StringField(_l("Kolada municipality id"), [Optional(), Length(max=8)],
                                      description=_l("Four digits, e.g. 0180 for Stockholm."))
    SettingsForm = type("SettingsForm", (FlaskForm,), fields)
    return SettingsForm(formdata=formdata, data=data)


def special_review_form(formdata: Any = None, data: dict[str, Any] | None = None) -> FlaskForm:
    """The area chosen for a year's special review, per locale."""
    fields: dict[str, Any] = {}
    _translated_fields(fields, "area", _l("Area chosen for special review"))
    SpecialReviewForm = type("SpecialReviewForm", (FlaskForm,), fields)
    return SpecialReviewForm(formdata=formdata, data=data, prefix="review")


class GoalForm(FlaskForm):
    year = WholeNumberField(_l("Year"), [InputRequired(_l("Give the year.")),
                                        NumberRange(2000, 2100, message=_l("Give a year from 2000 to 2100."))])
    title__en = StringField(LocaleLabel(_l("Goal"), "en"), [Optional(), Length(max=400)], render_kw={"lang": "en"})
    title__sv = StringField(LocaleLabel(_l("Goal"), "sv"), [Optional(), Length(max=400)], render_kw={"lang": "sv"})
    title__ro = StringField(LocaleLabel(_l("Goal"), "ro"), [Optional(), Length(max=400)], render_kw={"lang": "ro"})
    kind = SelectField(_l("Kind of goal"), choices=_labelled(GOAL_KIND_LABELS), default="percent")
    target = LocaleDecimalField(_l("Target"), [Optional()],
                                description=_l("A percentage (86 for 86 %) or a count; none for a yes/no goal or a "
                                               "goal described in words."), places=2)
    kolada_kpi = StringField(_l("Kolada KPI"), [Optional(), Length(max=20)],
                             description=_l("Optional, e.g. U23471: the Kolada import then fills the results."))

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields' checks and the service's (a title, the target for its kind, the KPI's shape) in one pass:
        every mistake at once."""
        from plugins.sweden.services.goals import KOLADA_KPI, target_error

        valid = super().validate(extra_validators)
        if not any((self[f"title__{code}"].data or "").strip() for code in LOCALES):
            self.title__en.errors = [*self.title__en.errors, _("Give the goal a title in at least one language.")]
            valid = False
        message = None if self.target.errors else target_error(self.kind.data, self.target.data)
        if message is not None:
            self.target.errors = [*self.target.errors, str(message)]
            valid = False
        kpi = (self.kolada_kpi.data or "").strip().upper()
        if kpi and not KOLADA_KPI.match(kpi) and not self.kolada_kpi.errors:
            self.kolada_kpi.errors = [_("A Kolada KPI is a letter and five digits, e.g. U23471.")]
            valid = False
        return valid


class IndicatorForm(FlaskForm):
    scope__en = StringField(LocaleLabel(_l("Measured for"), "en"), [Optional(), Length(max=200)],
                            render_kw={"lang": "en"})
    scope__sv = StringField(LocaleLabel(_l("Measured for"), "sv"), [Optional(), Length(max=200)],
                            render_kw={"lang": "sv"})
    scope__ro = StringField(LocaleLabel(_l("Measured for"), "ro"), [Optional(), Length(max=200)],
                            render_kw={"lang": "ro"})
    kolada_kpi = StringField(_l("Kolada KPI"), [Optional(), Length(max=20)],
                             description=_l("Optional, e.g. U21468 for home care: the Kolada import then fills "
                                            "the results."))


class GoalValueForm(FlaskForm):
    indicator_id = SelectField(_l("Measured for"), [DataRequired()])
    year = WholeNumberField(_l("Year"), [InputRequired(_l("Give the year.")),
                                        NumberRange(2000, 2100, message=_l("Give a year from 2000 to 2100."))])
    value = LocaleDecimalField(_l("Result"), [Optional(), NumberRange(0, 99999, message=_l(
        "A result is a number from 0 to 99,999 (a percentage from 0 to 100)."))],
        description=_l("A percentage or a count, as the goal's target."), places=2)
    national_value = LocaleDecimalField(_l("National figure (%)"), [
        Optional(), NumberRange(0, 100, message=_l("A percentage must be between 0 and 100."))],
        description=_l("The figure for Sweden as a whole (riket)."), places=2)
    outcome = SelectField(_l("Attained"), choices=_labelled(OUTCOME_LABELS), default="",
                          description=_l("The answer of a yes/no goal, or your judgement of a goal described in "
                                         "words; leave it empty to let the figures decide."))
    comment__en = TextAreaField(LocaleLabel(_l("Result in words"), "en"), [Optional(), Length(max=4000)],
                                render_kw={"lang": "en"})
    comment__sv = TextAreaField(LocaleLabel(_l("Result in words"), "sv"), [Optional(), Length(max=4000)],
                                render_kw={"lang": "sv"})
    comment__ro = TextAreaField(LocaleLabel(_l("Result in words"), "ro"), [Optional(), Length(max=4000)],
                                render_kw={"lang": "ro"})


class DistrictQuestionForm(FlaskForm):
    district = StringField(_l("District"), [DataRequired(_l("Name the district.")), Length(max=120)])
    code = StringField(_l("Question code"), [DataRequired(_l("Give the question a code.")), Length(max=40)],
                       description=_l("Unique in the template; answer files name the question by it."))
    area = SelectField(_l("Question area"), [DataRequired()], validate_choice=False)
    scale = SelectField(_l("Answer scale"), [DataRequired()], validate_choice=False)
    text__en = StringField(LocaleLabel(_l("Question"), "en"), [Optional(), Length(max=400)], render_kw={"lang": "en"})
    text__sv = StringField(LocaleLabel(_l("Question"), "sv"), [Optional(), Length(max=400)], render_kw={"lang": "sv"})
    text__ro = StringField(LocaleLabel(_l("Question"), "ro"), [Optional(), Length(max=400)], render_kw={"lang": "ro"})


# --- the quality report: its sections, its cover, the rows of its texts ----------------------------------------

RESPONSIBLE_SLOTS = 4  # persons responsible for the report's content on its cover


class QualitySectionForm(FlaskForm):
    title__en = StringField(LocaleLabel(_l("Section title"), "en"), [Optional(), Length(max=300)],
                            render_kw={"lang": "en"})
    title__sv = StringField(LocaleLabel(_l("Section title"), "sv"), [Optional(), Length(max=300)],
                            render_kw={"lang": "sv"})
    title__ro = StringField(LocaleLabel(_l("Section title"), "ro"), [Optional(), Length(max=300)],
                            render_kw={"lang": "ro"})
    level = SelectField(_l("Level"), choices=choices([("1", _l("Section")),
                                                     ("2", _l("Sub-section of the one before"))]),
                        default="1")
    shows = SelectField(_l("Shows besides its texts"), default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from plugins.sweden.services.quality_report import SHOWS

        super().__init__(*args, **kwargs)
        self.shows.choices = _labelled(SHOWS)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not any((self[f"title__{code}"].data or "").strip() for code in LOCALES):
            self.title__en.errors = [*self.title__en.errors, _("Give the section a title in at least one language.")]
            valid = False
        return valid


class CoverForm(FlaskForm):
    organisation__en = StringField(LocaleLabel(_l("Administration"), "en"), [Optional(), Length(max=300)],
                                   render_kw={"lang": "en"})
    organisation__sv = StringField(LocaleLabel(_l("Administration"), "sv"), [Optional(), Length(max=300)],
                                   render_kw={"lang": "sv"})
    organisation__ro = StringField(LocaleLabel(_l("Administration"), "ro"), [Optional(), Length(max=300)],
                                   render_kw={"lang": "ro"})
    report_date = DateField(_l("Date of the report"), [Optional()],
                            description=_l("The date the cover gives with the persons responsible."))


def _responsible_fields() -> None:
    """Name and role (in each language) of each person responsible, as numbered fields of the cover form."""
    for slot in range(1, RESPONSIBLE_SLOTS + 1):
        setattr(CoverForm, f"person{slot}_name", StringField(_l("Person responsible: name"),
                                                             [Optional(), Length(max=200)]))
        for code in LOCALES:
            setattr(CoverForm, f"person{slot}_role__{code}", StringField(
                LocaleLabel(_l("Role"), code), [Optional(), Length(max=200)], render_kw={"lang": code}))


_responsible_fields()


def quality_row_form() -> Any:
    """The row form of the quality report's texts: its section chosen from the year's list."""
    from wtforms.validators import Optional as Optional_

    from core.sdk import SectionFormSpec
    from core.sdk.forms import Form, Group, Layout, translated_data, translated_form_data

    parts = (("topic", _l("Sub-heading"), False), ("text", _l("Text"), True), ("purpose", _l("Purpose"), True),
             ("result", _l("Result"), True), ("analysis", _l("Analysis"), True),
             ("improvements", _l("Improvement proposals"), True))
    attrs: dict[str, Any] = {}
    layout = Layout()
    attrs["section"] = SelectField(_l("Section"), [DataRequired(_l("Choose the section."))], validate_choice=True)
    layout.groups.append(Group("section", _l("Section"), ["section"]))
    for key, label, long in parts:
        field_class = TextAreaField if long else StringField
        for code in LOCALES:
            attrs[f"{key}__{code}"] = field_class(LocaleLabel(label, code), [Optional_(), Length(max=20000)],
                                                  render_kw={"lang": code})
        layout.groups.append(Group(key, label, [f"{key}__{code}" for code in LOCALES], "translated"))
    attrs["layout"] = layout

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        Form.__init__(self, *args, **kwargs)
        self.section.choices = _section_choices(self.section.data)

    attrs["__init__"] = init
    form_class = type("QualityRowForm", (Form,), attrs)

    def from_row(row: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {"section": row.get("section") or ""}
        for key, _label, _long in parts:
            data.update(translated_form_data(row.get(key), key))
        return data

    def to_row(form: Any) -> dict[str, Any]:
        row: dict[str, Any] = {"section": form.section.data}
        for key, _label, _long in parts:
            value = translated_data(form, key)
            if value:
                row[key] = value
        return row

    return SectionFormSpec(form_class, to_row=to_row, from_row=from_row)


def _section_choices(current: str | None) -> list[tuple[str, str]]:
    """The sections of the plan the request is about (its year's list), indented by level; a row's section
    that left the list stays choosable under its key, so saving the row never loses it."""
    from flask import g, request

    from core.sdk import translated
    from core.sdk.models import AnnualPlan
    from core.sdk.web import request_session
    from plugins.sweden.services.quality_report import sections_for

    session = request_session()
    plan = session.get(AnnualPlan, (request.view_args or {}).get("plan_id"))
    if plan is None:
        return []
    locale, fallback = current_locale(), g.municipality.default_locale
    pairs = [(s["key"], ("— " if s["level"] == 2 else "") + translated(s["title"], locale, fallback))
             for s in sections_for(session, plan.municipality_id, plan.year)]
    if current and current not in {key for key, _label in pairs}:
        pairs.append((current, current))
    return choices([("", ""), *pairs])
