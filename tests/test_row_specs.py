"""The row specs of core.rows are the one description of each row type (issue 12): the committed JSON schema is
the one they generate, and every place that reads a row type follows them."""

from __future__ import annotations

import json

from core import plan_schema
from core.interchange import ROW_MODELS, SCHEMA_PATH
from core.plugin_api import RowType
from core.rows import ROW_SPECS, SERVICE, TRAINING


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
