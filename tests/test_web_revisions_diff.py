"""The revision diff: a pure function of two plan documents."""

from core.services.revisions import diff_documents, flatten


def doc(rows, status="draft", text=None):
    return {"status": status, "title": {}, "council_decision": {"reference": None, "date": None}, "facts": {},
            "sections": {"services": {"rows": rows, "text": text or {}, "footnote": {}, "not_applicable": False}}}


def test_flatten_reaches_every_leaf_and_drops_empty_values():
    assert flatten({"name": {"en": "A", "sv": ""}, "budget": [{"amount": "1.50", "note": {}}], "x": None}) == {
        "name.en": "A", "budget[0].amount": "1.50"}


def test_identical_documents_have_no_changes():
    document = doc([{"name": {"en": "A"}, "capacity": "10"}])
    assert not diff_documents(document, document).changed


def test_changed_cell_added_and_removed_rows():
    old = doc([{"name": {"en": "A", "sv": "A"}, "capacity": "10"}, {"name": {"en": "B"}}])
    new = doc([{"name": {"en": "A", "sv": "Å"}, "capacity": "10"}, {"name": {"en": "B"}}, {"name": {"en": "C"}}])
    section = diff_documents(old, new).sections[0]
    assert [row.status for row in section.rows] == ["changed", "same", "added"]
    first = section.rows[0]
    assert first.changed_keys == {"name.sv"}
    cell = next(c for c in first.cells if c.key == "name.sv")
    assert (cell.old, cell.new) == ("A", "Å")
    assert section.changed_columns == ["name.sv", "name.en"]
    removed = diff_documents(new, old).sections[0].rows[2]
    assert removed.status == "removed" and removed.changed_keys == {"name.en"}


def test_budget_line_amount_and_header_and_text_changes():
    old = doc([{"budget": [{"source": "local", "amount": "100"}]}])
    new = doc([{"budget": [{"source": "local", "amount": "120"}]}], status="approved", text={"en": "Intro"})
    diff = diff_documents(old, new)
    assert [c.key for c in diff.header if c.changed] == ["status"]
    section = diff.sections[0]
    assert section.rows[0].changed_keys == {"budget[/local].amount"}  # a line by its year and source
    assert [c.key for c in section.other if c.changed] == ["text.en"]


def test_revision_actions_read_in_the_readers_language(jurisdiction_app, jurisdiction, database_url):
    from flask_babel import force_locale

    from core.web.helpers import describe_action

    app, kind = jurisdiction_app(database_url), jurisdiction.PLAN_KIND  # its section titles are the plugin's
    with app.test_request_context(), force_locale("en"):
        assert describe_action("row-added meetings 2", kind) == "Row 2 added to Meetings"
        assert describe_action("step approve", kind) == "Workflow step: Approve"
        assert describe_action("copied-from 2020", kind) == "Copied from the plan of 2020"
        assert describe_action("something-else x", kind) == "something-else x"
    with app.test_request_context(), force_locale("ro"):
        assert describe_action("reopened", kind) != "Reopened as a new revision"
