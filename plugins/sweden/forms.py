"""The Swedish plugin's web forms (Flask-WTF, so CSRF applies); choices are filled per request."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from core.web.forms import choices
from plugins.sweden.services.cases import STEP_LABELS
from plugins.sweden.services.lex_sarah import AREAS
from plugins.sweden.services.reference import OPERATING_FORM_LABELS, SERVICE_TYPE_LABELS, methods

OUTCOME_CHOICES = [("remedied", _l("The deficiencies are remedied")),
                   ("not_remedied", _l("The deficiencies are not remedied"))]
SEX_CHOICES = [("", _l("Not stated")), ("female", _l("Woman")), ("male", _l("Man"))]


def _labelled(labels: dict[str, Any]) -> list:
    return choices([(code, str(label)) for code, label in labels.items()])


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
    fields["note"] = TextAreaField(_l("Note"), [Optional(), Length(max=4000)])
    StepForm = type("StepForm", (FlaskForm,), fields)
    form = StepForm(formdata=formdata, prefix=step)
    form.step_label = STEP_LABELS.get(step, step)
    form.step_code = step
    return form


class LexSarahForm(FlaskForm):
    year = IntegerField(_l("Year"), [InputRequired(), NumberRange(2000, 2100)])
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
    year = IntegerField(_l("Year"), [InputRequired(), NumberRange(2000, 2100)])
    replace = BooleanField(_l("Replace the answers already imported for this year"))


class KoladaImportForm(FlaskForm):
    file = FileField(_l("Kolada JSON file"), [FileRequired(_l("Choose a JSON file to upload."))],
                     description=_l("A document as Kolada's API v2 returns it: /v2/data/kpi/…/municipality/…/year/…"))
