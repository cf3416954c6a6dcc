"""The row specs of core.rows are the one description of each row type (issue 12): the committed JSON schema is
the one they generate, and every place that reads a row type follows them."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from core import interchange, plan_schema
from core.interchange import ROW_MODELS, SCHEMA_PATH
from core.plugin_api import RowType
from core.rows import BUDGET_LINE, ROW_SPECS, SERVICE, TRAINING


def test_the_committed_schema_is_the_generated_one():
    # The file plan import checks documents against is byte for byte what `python -m core.plan_schema` writes.
    assert SCHEMA_PATH.read_text(encoding="utf-8") == plan_schema.schema_text()
    assert plan_schema.main(["--check"]) == 0


def test_the_check_fails_on_a_stale_schema(tmp_path, capsys):
    # A schema edited by hand (here: one property less) is refused by --check in one sentence, and --out rewrites it.
    stale = json.loads(plan_schema.schema_text())
    del stale["$defs"]["training_row"]["properties"]["note"]
    path = tmp_path / "plan-v1.schema.json"
    path.write_text(json.dumps(stale, indent=2) + "\n", encoding="utf-8")
    assert plan_schema.main(["--check", "--out", str(path)]) == 1
    assert "python -m core.plan_schema" in capsys.readouterr().err
    assert plan_schema.main(["--out", str(path)]) == 0 and plan_schema.main(["--check", "--out", str(path)]) == 0


def test_each_row_definition_lists_the_spec_fields_in_order():
    # The schema's definition of a row type names exactly its spec's fields, in the document's order.
    defs = json.loads(plan_schema.schema_text())["$defs"]
    for spec in ROW_SPECS.values():
        assert list(defs[plan_schema.row_definition(spec)]["properties"]) == [f.name for f in spec.fields]
    assert defs["service_row"]["properties"]["status"] == {"enum": ["existing", "proposed"]}


def test_the_models_have_a_column_per_stored_field():
    # Each stored field of a spec is a column of its model's table, and the table has no other row fields.
    common = {"id", "plan_id", "section", "position", "uid"}
    for row_type, spec in ROW_SPECS.items():
        model, _to_dict = ROW_MODELS[row_type]
        assert set(model.__table__.columns.keys()) - common == {f.column for f in spec.stored}
    assert ROW_MODELS[RowType.SERVICE][0].__table__.c.unit_name.nullable is False
    assert ROW_MODELS[RowType.TRAINING][0].__table__.c.persons.nullable is True
    assert SERVICE.field("unit").column == "unit_name" and TRAINING.field("budget").kind == "money"


# The walk of core.rows' docstring, run in a fresh interpreter: one field added to the training rows' spec (before
# anything reads it), the database created from the models (in a deployment: the field's migration), the schema
# regenerated; the script prints what each place then does with the field.
ADD_A_FIELD = r'''
import json, sys
from werkzeug.datastructures import MultiDict
import core.rows as rows
from core.plugin_api import RowType, SectionSpec

rows.TRAINING = rows.ROW_SPECS[RowType.TRAINING] = rows.TRAINING.with_field(
    rows.RowField("hours", "integer", "Hours of training", "Hours", low=0, high=500, default_column=True),
    after="persons")

from core import interchange, plan_schema
from core.app import create_app
from core.db import Base, get_session
from core.models import AnnualPlan, Municipality, TrainingRow
from core.services import tables
from core.web import forms, helpers

app = create_app({"TESTING": True, "SECRET_KEY": "k" * 40, "DATABASE_URL": "sqlite:///" + sys.argv[1],
                  "WTF_CSRF_ENABLED": False})
plan_schema.main(["--out", sys.argv[2]])
interchange.SCHEMA_PATH = plan_schema.Path(sys.argv[2])
out = {"column": str(TrainingRow.__table__.c.hours.type)}
with app.test_request_context():
    Base.metadata.create_all(app.extensions["socialplan.engine"])
    session = get_session()
    plan = AnnualPlan(municipality=Municipality(slug="x", name={"en": "X"}, country="RO", default_locale="en",
                                                currency="RON"), year=2026, kind="k")
    session.add(plan)
    session.flush()
    spec = SectionSpec("training", "Training", RowType.TRAINING)
    interchange.replace_section(session, plan, spec, {"rows": [{"kind": "First aid", "persons": 3, "hours": "12"}]})
    session.expire_all()
    row = interchange.section_rows(session, plan, RowType.TRAINING, "training")[0]
    out["export"] = {key: row[key] for key in ("kind", "persons", "hours")}
    try:
        interchange.replace_section(session, plan, spec, {"rows": [{"hours": 501}]})
    except interchange.DocumentError as error:
        out["import_refuses"] = error.path
    out["schema"] = interchange.row_validator(RowType.TRAINING).schema["properties"]["hours"]
    out["schema_refuses"] = [e.message for e in interchange.row_validator(RowType.TRAINING).iter_errors({"hours": 501})]
    ctx = forms.FormContext([], 2026, "RON")
    form_class = forms.generic_row_form(spec, ctx)
    out["form_groups"] = [group.key for group in form_class(formdata=None).layout.groups]
    out["form_data"] = forms.row_to_form_data(spec, row)["hours"]
    form = form_class(MultiDict({"kind": "First aid", "persons": "3", "hours": "40"}))
    out["form_valid"] = form.validate()
    out["form_row"] = forms.form_to_row(spec, form, row, ctx)["hours"]
    out["form_refuses"] = form_class(MultiDict({"hours": "600"})).validate()
    columns = tables.table_columns(spec, [row], ["en"], 2026, "RON", [])
    header = [column.label for column in columns]
    out["csv"] = tables.to_csv(header, [[tables._cell_out(row, c, "en") for c in columns]]).decode("utf-8-sig")
    out["default_columns"] = [column.key for column in helpers.columns_of(spec)]
print(json.dumps(out))
'''


def test_a_field_added_to_a_spec_is_in_the_export_the_schema_the_form_and_the_table(tmp_path):
    # One change (a RowField in core.rows) gives the model its column, and export, import, the schema, the form and
    # its converters, the table export and the default columns the field, each with its range.
    import os
    import subprocess
    import sys

    assert "hours" not in [f.name for f in TRAINING.fields]  # the field is the script's, not the product's
    env = {**os.environ, "SOCIALPLAN_INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", ADD_A_FIELD, str(tmp_path / "db.sqlite"),
                             str(tmp_path / "schema.json")], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.splitlines()[-1])
    assert out["column"] == "INTEGER"
    assert out["export"] == {"kind": "First aid", "persons": 3, "hours": 12}
    assert out["import_refuses"] == "$.rows[0].hours"
    assert out["schema"] == {"type": ["integer", "null"], "minimum": 0, "maximum": 500}
    assert out["schema_refuses"] == ["501 is greater than the maximum of 500"]
    assert out["form_groups"] == ["kind", "department", "persons", "hours", "budgeted", "budget", "note"]
    assert out["form_data"] == 12 and out["form_valid"] is True and out["form_row"] == 40
    assert out["form_refuses"] is False
    assert out["csv"].splitlines()[0].split(",")[:4] == ["Kind of training", "Department (English)", "Persons", "Hours"]
    assert out["csv"].splitlines()[1].split(",")[:4] == ["First aid", "", "3", "12"]
    assert out["default_columns"] == ["kind", "department", "persons", "hours", "budget"]


def test_a_required_field_is_required_by_the_schema_the_import_the_form_and_the_column(app):
    # A field marked required is in the schema's "required", refused empty by import, asked for by the form,
    # and NOT NULL in the database; an optional one of the same kind is none of these.
    from werkzeug.datastructures import MultiDict

    from core.interchange import DocumentError, _value_in
    from core.rows import RowField, _column
    from core.web import forms

    required = RowField("hours", "integer", "Hours", low=0, high=500, required=True)
    spec = TRAINING.with_field(required)
    assert plan_schema.row_schema(spec)["required"] == ["hours"]
    assert "required" not in plan_schema.row_schema(TRAINING)
    for empty in (None, ""):
        try:
            _value_in(required, None, empty, "$.rows[0].hours")
        except DocumentError as error:
            assert error.path == "$.rows[0].hours"
        else:
            raise AssertionError("an empty required field was accepted")
    assert _value_in(required, None, "7", "$.rows[0].hours") == 7
    assert _column(required).column.nullable is False and _column(TRAINING.field("persons")).column.nullable is True
    with app.test_request_context():
        form = forms.spec_form(spec, forms.FormContext([], 2026, "RON"))(MultiDict({"kind": "First aid"}))
        assert form.validate() is False and form.hours.errors


# --- a service's budget lines: a spec of their own (core.rows.BUDGET_LINE) ---------------------------------------

@pytest.fixture
def town(kitchen):
    """The test jurisdiction's demo town with its plan imported from tests/world.py."""
    from world import plan_document as town_document

    from core.services.imports import import_plan

    plan = import_plan(kitchen.session, kitchen.registry, town_document(), None)
    kitchen.session.commit()
    spec = next(s for s in kitchen.registry.plan_kind(plan.kind).sections if s.key == "services")
    return SimpleNamespace(**vars(kitchen), plan=plan, spec=spec, document=town_document())


def test_budget_lines_are_columns_schema_and_document_of_their_spec(town):
    # The budget_line table, the schema's definition and an exported line all hold BUDGET_LINE's fields, in order.
    from core.models import BudgetLine

    stored = {f.column for f in BUDGET_LINE.stored}
    assert set(BudgetLine.__table__.columns.keys()) - {"id", "service_id", "position"} == stored
    assert BudgetLine.__table__.c.scale.type.python_type is int  # a numbered enum is an INTEGER column
    definition = json.loads(plan_schema.schema_text())["$defs"]["budget_line"]
    assert list(definition["properties"]) == [f.name for f in BUDGET_LINE.fields]
    assert definition["required"] == ["source", "amount"]
    assert definition["properties"]["scale"] == {"enum": [1, 1000, 1000000]}
    row = interchange.section_rows(town.session, town.plan, RowType.SERVICE, "services")[0]
    assert [list(line) for line in row["budget"]] == [[f.name for f in BUDGET_LINE.fields]] * 2
    assert row["budget"][0] == {"year": town.plan.year, "source": "local", "amount": "1486", "currency": "RON",
                                "scale": 1000, "note": {}}


@pytest.mark.parametrize(("line", "path", "words"), [
    ({"source": "local", "amount": "10", "scale": 500}, "scale", "is not one of 1, 1000, 1000000"),
    ({"source": "local", "amount": "10", "currency": "ron"}, "currency", "ISO 4217"),
    ({"source": "local", "amount": "10", "year": 1800}, "year", "out of range"),
    ({"source": "local", "amount": "10", "year": 2099}, "year", "a budget of a"),
    ({"amount": "10"}, "source", "a value is required"),
    ({"source": "local"}, "amount", "a value is required"),
    ({"source": "local", "amount": "10.555"}, "amount", "more decimals than RON has"),
    ({"source": 7, "amount": "10"}, "source", "a funding source is its code"),
])
def test_a_budget_line_beyond_its_spec_is_refused_where_it_is(town, line, path, words):
    # Rows saved without the schema's check (forms, the API) meet the spec's own reader: the line's field is named.
    row = {**town.document["sections"]["services"]["rows"][0], "budget": [line]}
    with pytest.raises(interchange.DocumentError) as refused:
        interchange.replace_section(town.session, town.plan, town.spec, {"rows": [row]})
    assert refused.value.path == f"$.rows[0].budget[0].{path}" and words in str(refused.value)
    town.session.rollback()
    # Nothing was half-written: the plan's service keeps its two lines.
    kept = interchange.section_rows(town.session, town.plan, RowType.SERVICE, "services")[0]["budget"]
    assert [line["amount"] for line in kept] == ["1486", "66361.82"]


def test_a_scale_written_as_text_and_a_line_without_year_or_currency_read_as_the_plan_says(town):
    row = {**town.document["sections"]["services"]["rows"][0],
           "budget": [{"source": "local", "amount": "7", "scale": "1000"}]}
    interchange.replace_section(town.session, town.plan, town.spec, {"rows": [row]})
    line = interchange.section_rows(town.session, town.plan, RowType.SERVICE, "services")[0]["budget"][0]
    assert line == {"year": town.plan.year, "source": "local", "amount": "7",
                    "currency": town.plan.municipality.currency, "scale": 1000, "note": {}}


def test_the_budget_form_is_built_from_the_spec_and_keeps_what_it_does_not_edit(town):
    # The form's line inputs are BUDGET_LINE's form fields in order, headed by their labels in the page's language;
    # a line's currency and note, which the form does not edit, come back as they were.
    from flask_babel import force_locale
    from werkzeug.datastructures import MultiDict

    from core.web import forms

    with town.app.test_request_context():  # a page's form
        row = interchange.section_rows(town.session, town.plan, RowType.SERVICE, "services")[0]
        row["budget"][1]["note"] = {"ro": "donație & „sponsorizare”"}
        sources = town.registry.funding_sources(town.registry.plan_kind(town.plan.kind).jurisdiction)
        ctx = forms.FormContext(sources, town.plan.year, "RON")
        form_class = forms.generic_row_form(town.spec, ctx)
        data = forms.row_to_form_data(town.spec, row)
        form = form_class(data=data)
        forms.ensure_budget_slots(form)
        line = form.budget.entries[0].form
        assert [sub.short_name for sub in line] == ["source", "amount", "scale", "year"] == list(BUDGET_LINE.form_order)
        with force_locale("sv"):
            assert [str(sub.label.text) for sub in line] == ["Finansieringskälla", "Belopp", "Enhet", "År"]
        posted = MultiDict({key: value for key, value in _posted(form).items()})
        posted["budget-0-amount"] = "1500"
        edited = form_class(posted)
        assert edited.validate(), edited.errors
        lines = forms.form_to_row(town.spec, edited, row, ctx)["budget"]
        assert lines[0]["amount"] == "1500" and lines[0]["scale"] == 1000
        assert lines[1] == row["budget"][1]  # untouched: its note and currency kept


def _posted(form) -> dict[str, str]:
    """What a browser posts back for ``form`` as it was rendered (text of every input)."""
    posted = {}
    for field in form:
        for sub in getattr(field, "entries", None) or [field]:
            for leaf in getattr(sub, "form", None) or [sub]:
                value = leaf._value() if hasattr(leaf, "_value") else leaf.data
                posted[leaf.name] = "" if value is None else str(value)
    return posted
