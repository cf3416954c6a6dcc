"""Plan tables: CSV and XLSX exports with typed values, XLSX imports with a per-row error report and
nothing saved when any row is refused, and the web pages that offer both."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from flask_babel import force_locale
from openpyxl import Workbook, load_workbook
from world import KIND as PLAN_KIND
from world import PASSWORD, campaign, service

from core.services import tables
from core.testing import without_uids

PAGE = f"/m/alpha/plans/2026/{PLAN_KIND}/tables"


@pytest.fixture
def unit(world):
    """An app context for the tests that call core.services.tables directly."""
    with world.app.app_context():
        yield world


def _document(world, plan="alpha-draft"):
    return world.document(plan)


def _kind(world):
    return world.registry.plan_kind(PLAN_KIND)


def _revision_count(world) -> int:
    from core.models import PlanRevision

    with world.db() as session:
        return session.query(PlanRevision).count()


def _set_rows(world, section, rows):
    with world.db() as session:
        tables.replace_rows(session, world.registry, world.plan(session, "alpha-draft"), section, rows, None)
        session.commit()


def test_service_table_header_and_typed_values(unit):
    world = unit
    header, rows = tables.section_to_table(_document(world), _kind(world), "services", world.registry)
    assert header[:8] == ["Code", "Name (Română)", "Name (English)", "Capacity", "Occupancy (%)", "Floor space (m²)",
                          "Staff", "Unit (Română)"]  # the municipality's language first
    assert "Local budget" not in header
    assert header[-3:] == ["Local budget 2026 (RON)", "State budget 2026 (RON)", "Other 2026 (RON)"]
    first = dict(zip(header, rows[0], strict=True))
    assert first["Code"] == "XX-1"
    assert first["Capacity"] == Decimal("25.5") and first["Floor space (m²)"] == Decimal("120.5")
    assert first["Local budget 2026 (RON)"] == Decimal("1486.5")
    assert first["State budget 2026 (RON)"] == Decimal("300")
    assert first["Status"] == "Existing" and first["Staff"] == 3  # in words, and read back (below)
    assert dict(zip(header, rows[1], strict=True))["State budget 2026 (RON)"] is None


def test_every_section_with_rows_has_a_table(unit):
    world = unit
    keys = [spec.key for spec in tables.table_sections(_kind(world))]
    assert keys == ["objectives", "services", "campaigns", "training", "meetings", "notes"]
    header, rows = tables.section_to_table(_document(world), _kind(world), "training", world.registry)
    assert "Persons" in header and rows == []
    with pytest.raises(KeyError):
        tables.section_to_table(_document(world), _kind(world), "intro", world.registry)


def test_csv_is_utf8_with_bom_and_point_decimals(unit):
    world = unit
    header, rows = tables.section_to_table(_document(world), _kind(world), "services", world.registry)
    rows[1][1] = "=HYPERLINK(\"http://example.org\")"
    data = tables.to_csv(header, rows)
    assert data.startswith(b"\xef\xbb\xbf")
    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert read[0] == header
    first = dict(zip(read[0], read[1], strict=True))
    assert first["Name (Română)"] == "Centrul de zi „Speranța” – Piatra-Neamț"
    assert first["Name (English)"] == "Day centre"
    assert first["Capacity"] == "25.5" and first["Local budget 2026 (RON)"] == "1486.5"
    assert read[2][1].startswith("'=")  # never a formula in a spreadsheet


def test_xlsx_cells_are_numbers_and_text_is_never_a_formula(unit):
    world = unit
    header, rows = tables.section_to_table(_document(world), _kind(world), "services", world.registry)
    rows[1][1] = "=1+1"
    sheet = load_workbook(io.BytesIO(tables.to_xlsx(header, rows, "services"))).active
    assert [c.value for c in sheet[1]] == header and sheet[1][0].font.bold
    capacity = sheet.cell(row=2, column=header.index("Capacity") + 1)
    assert capacity.data_type == "n" and capacity.value == 25.5 and capacity.number_format == "#,##0.00"
    amount = sheet.cell(row=2, column=header.index("State budget 2026 (RON)") + 1)
    assert amount.data_type == "n" and amount.value == 300
    assert sheet.cell(row=3, column=2).data_type == "s" and sheet.cell(row=3, column=2).value == "=1+1"


PERIODS = [
    {"kind": "range", "start": "2026-06-01", "end": "2026-06-07"},
    {"kind": "range", "start": "2026-09-15", "end": "2026-09-15"},
    {"kind": "month", "month": 6},
    {"kind": "month", "month": 11, "year": 2026},
    {"kind": "months", "months": [7, 8]},
    {"kind": "half-year", "half": 2},
    {"kind": "recurrence", "every": "quarterly"},
    {"kind": "dates", "text": {"en": "On 1 June and 1 October", "ro": "La 1 iunie și 1 octombrie"}},
    {},
]


@pytest.mark.parametrize("section", ["services", "campaigns"])
def test_xlsx_round_trip_gives_the_same_rows(unit, section):
    world = unit
    if section == "campaigns":
        rows = [campaign(f"Campaign {i}", period) for i, period in enumerate(PERIODS)]
        rows[0]["target_group"] = {"en": "Older people", "ro": "Persoane vârstnice", "sv": "Äldre"}
        _set_rows(world, section, rows)
    else:
        extra = service("Scaled", code="XX-2", capacity="3", local="12.5", year=2027)
        extra["budget"][0]["scale"] = 1
        extra["name"]["ro"] = "Îngrijire la domiciliu"
        extra["budget"][0]["note"] = {"en": "EU project", "ro": "POCU"}
        extra["extra"] = {"staff_roles": [{"role": {"ro": "Asistent social"}, "count": 2}], "staff_total": 4}
        _set_rows(world, section, _document(world)["sections"][section]["rows"] + [extra])
    document = _document(world)
    header, rows = tables.section_to_table(document, _kind(world), section, world.registry)
    assert ("Period (English)" in header) == (section == "campaigns")  # the dates in a language not the municipality's
    assert ("Local budget 2027: note (Română)" in header) == (section == "services")
    result = tables.rows_from_xlsx(tables.to_xlsx(header, rows), document, _kind(world), section, world.registry)
    assert result.errors == []
    assert result.rows == without_uids(document["sections"][section])["rows"]  # a sheet carries no uids
    before = _revision_count(world)
    _set_rows(world, section, result.rows)
    assert _document(world)["sections"][section]["rows"] == document["sections"][section]["rows"]
    assert _revision_count(world) == before + 1


def test_thousands_keep_their_scale(unit):
    world = unit
    row = service("In thousands", capacity="1", local="66.36")
    row["budget"][0]["scale"] = 1000
    _set_rows(world, "services", [row])
    document = _document(world)
    header, rows = tables.section_to_table(document, _kind(world), "services", world.registry)
    assert "Local budget 2026 (thousand RON)" in header
    result = tables.rows_from_xlsx(tables.to_xlsx(header, rows), document, _kind(world), "services",
                                   world.registry)
    assert result.rows == without_uids(document["sections"]["services"])["rows"]


def test_headers_are_recognised_in_another_language(unit):
    world = unit
    document = _document(world)
    with force_locale("sv"):
        header, rows = tables.section_to_table(document, _kind(world), "campaigns", world.registry)
    result = tables.rows_from_xlsx(tables.to_xlsx(header, rows), document, _kind(world), "campaigns", world.registry)
    assert result.errors == [] and result.rows == without_uids(document["sections"]["campaigns"])["rows"]


def _workbook(header, *rows) -> bytes:
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("locale", "capacity", "amount"), [
    ("en", "1,486.50", "1,234.5"), ("sv", "1 486,50", "1\u00a0234,5"), ("ro", "1.486,50", "1.234,5")])
def test_typed_text_numbers_are_read_the_way_the_importer_writes_them(unit, locale, capacity, amount):
    world = unit
    document = _document(world)
    data = _workbook(["Code", "Name (en)", "Capacity", "Local budget 2026 (RON)"],
                     ["XX-1", "A", capacity, amount], ["xx-2", "B", 12, 99.99])
    result = tables.rows_from_xlsx(data, document, _kind(world), "services", world.registry, locale)
    assert result.errors == []
    assert [(r["capacity"], r["budget"][0]["amount"]) for r in result.rows] == [("1486.5", "1234.5"),
                                                                                 ("12", "99.99")]


def test_bad_rows_are_reported_by_row_and_column(unit):
    world = unit
    document = _document(world)
    data = _workbook(
        ["Code", "Name (en)", "Capacity", "Status", "Local budget 2026 (RON)"],
        ["XX-1", "Fine", "10", "existing", "5"],
        [None, None, None, None, None],
        ["XX-9", "Unknown code", "ten", "closed", "-3"],
        ["XX-2", "Too precise", "1", "proposed", "1.005"],
    )
    result = tables.rows_from_xlsx(data, document, _kind(world), "services", world.registry)
    assert result.rows == []
    found = {(e.row, e.column.split(" ")[0]) for e in result.errors}
    assert found == {(4, "A"), (4, "C"), (4, "D"), (4, "E"), (5, "E")}
    messages = " ".join(e.message for e in result.errors)
    assert "'ten' cannot be read as a number: write it like 1,486.50 or 1486.50." in messages
    assert "negative" in messages and "An amount in RON has at most 2 decimals." in messages
    assert "'XX-9' is not a code of the nomenclature." in messages
    nameless = _workbook(["Code", "Name (en)", "Capacity"], [None, None, "4"])
    errors = tables.rows_from_xlsx(nameless, document, _kind(world), "services", world.registry).errors
    assert [(e.row, e.column, e.message) for e in errors] == [(2, "", "A service needs a code or a name.")]


def test_unknown_and_repeated_columns_are_refused(unit):
    world = unit
    document = _document(world)
    data = _workbook(["Code", "Colour", "Code"], ["XX-1", "red", "XX-1"])
    errors = tables.rows_from_xlsx(data, document, _kind(world), "services", world.registry).errors
    assert [(e.row, e.column) for e in errors] == [(1, "B"), (1, "C")]


def test_a_file_that_is_not_a_workbook(unit):
    world = unit
    with pytest.raises(tables.TableImportError):
        tables.rows_from_xlsx(b"code,name\n", _document(world), _kind(world), "services", world.registry)
    with pytest.raises(tables.TableImportError):
        tables.rows_from_xlsx(_workbook(["Code"]), _document(world), _kind(world), "training", world.registry)


# --- the web pages -----------------------------------------------------------------------------


def _client(world, email):
    from core.testing import login

    client = world.app.test_client()
    assert login(client, email, PASSWORD).status_code == 200
    return client


def test_web_download_and_upload_round_trip(world):
    client = _client(world, "planner@alpha.org")
    page = client.get(PAGE + "/")
    assert page.status_code == 200
    assert b"services.xlsx" in page.data and b'name="file"' in page.data
    csv_response = client.get(PAGE + "/campaigns.csv")
    assert csv_response.mimetype == "text/csv" and csv_response.data.startswith(b"\xef\xbb\xbf")
    assert "alpha-2026-example-plan-campaigns.csv" in csv_response.headers["Content-Disposition"]
    xlsx = client.get(PAGE + "/services.xlsx").data
    before_rows = _document(world)["sections"]["services"]["rows"]
    before = _revision_count(world)
    response = client.post(PAGE + "/services/import", data={"file": (io.BytesIO(xlsx), "services.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert _document(world)["sections"]["services"]["rows"] == before_rows
    assert _revision_count(world) == before + 1


def test_web_upload_with_a_bad_row_saves_nothing_and_lists_the_row(world):
    client = _client(world, "planner@alpha.org")
    workbook = load_workbook(io.BytesIO(client.get(PAGE + "/services.xlsx").data))
    header = [c.value for c in workbook.active[1]]
    workbook.active.cell(row=2, column=header.index("Name (English)") + 1, value="Renamed")
    workbook.active.cell(row=3, column=header.index("Capacity") + 1, value="lots")
    buffer = io.BytesIO()
    workbook.save(buffer)
    before_rows, before = _document(world)["sections"]["services"]["rows"], _revision_count(world)
    response = client.post(PAGE + "/services/import",
                           data={"file": (io.BytesIO(buffer.getvalue()), "services.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "No row was saved" in text and "Row 3" in text and "D (Capacity)" in text
    assert "&#39;lots&#39; cannot be read as a number" in text
    assert _document(world)["sections"]["services"]["rows"] == before_rows
    assert _revision_count(world) == before
    not_a_workbook = client.post(PAGE + "/services/import", data={"file": (io.BytesIO(b"x"), "a.xlsx")},
                                 content_type="multipart/form-data")
    assert not_a_workbook.status_code == 400 and "not an Excel workbook" in not_a_workbook.get_data(as_text=True)


def test_web_tables_follow_the_roles(world):
    viewer = _client(world, "viewer@alpha.org")
    approved = PAGE.replace("2026", "2025")
    assert viewer.get(approved + "/services.xlsx").status_code == 200
    assert b'name="file"' not in viewer.get(approved + "/").data
    assert viewer.get(PAGE + "/").status_code == 404  # a draft
    xlsx = viewer.get(approved + "/services.xlsx").data
    assert viewer.post(approved + "/services/import", data={"file": (io.BytesIO(xlsx), "a.xlsx")},
                       content_type="multipart/form-data").status_code == 403
    planner = _client(world, "planner@alpha.org")
    assert planner.post(approved + "/services/import", data={"file": (io.BytesIO(xlsx), "a.xlsx")},
                        content_type="multipart/form-data").status_code == 409
    other = _client(world, "planner@beta.org")
    assert other.get(PAGE + "/").status_code == 404
    assert other.get(PAGE + "/services.csv").status_code == 404
    assert planner.get(PAGE + "/training.xlsx").status_code == 200
    assert planner.post(PAGE + "/training/import").status_code == 404
    assert planner.get(PAGE + "/intro.csv").status_code == 404
