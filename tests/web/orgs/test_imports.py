"""Unit and roster imports: validation lists every bad row and column; nothing half-written."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from clinwell.web.orgs.models import Person, Unit
from clinwell.web.orgs.services.roster import import_roster
from clinwell.web.orgs.services.tabular import ImportValidationError
from clinwell.web.orgs.services.units import import_units
from tests.web.conftest import Cast


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_unit_paths_create_missing_ancestors_at_any_depth(cast: Cast) -> None:
    csv = b"path\nAlpha Health/Site C/Oncology/Breast Clinic/Tuesday Team\n"
    report = import_units(cast.alpha, "u.csv", io.BytesIO(csv))
    assert report.created == 4  # Site C, Oncology, Breast Clinic, Tuesday Team
    leaf = cast.unit(cast.alpha, "Alpha Health/Site C/Oncology/Breast Clinic/Tuesday Team")
    assert leaf.depth == 4
    root = cast.unit(cast.alpha, "Alpha Health")
    assert leaf.is_within(root)
    assert leaf.parent is not None
    assert leaf.parent.name == "Breast Clinic"


def test_unit_import_rejects_the_whole_file_and_names_every_bad_row(cast: Cast) -> None:
    before = Unit.objects.count()
    csv = b"path,kind\nAlpha Health/New Site,site\nAlpha Health//Broken,\nAlpha Health/X,ward\n"
    with pytest.raises(ImportValidationError) as caught:
        import_units(cast.alpha, "units.csv", io.BytesIO(csv))
    problems = {(e.row, e.column) for e in caught.value.errors}
    assert problems == {(3, "path"), (4, "kind")}
    assert "units.csv" in str(caught.value)
    assert Unit.objects.count() == before  # the good row 2 was not stored either


def test_a_path_without_the_health_system_is_refused_not_made_a_second_tree(cast: Cast) -> None:
    """Alpha's tree has one system unit on top; 'Site C/Oncology' would start a new tree."""
    before = Unit.objects.count()
    csv = b"path\nSite C/Oncology\nAlpha Health/Site D\n"
    with pytest.raises(ImportValidationError) as caught:
        import_units(cast.alpha, "units.csv", io.BytesIO(csv))
    (problem,) = caught.value.errors
    assert (problem.row, problem.column) == (2, "path")
    assert "write it as 'Alpha Health/Site C/Oncology'" in problem.message
    assert Unit.objects.count() == before


def test_the_import_report_counts_the_files_paths_already_present(cast: Cast) -> None:
    csv = b"path\nAlpha Health/Site A/Medicine\nAlpha Health/Site A/Medicine/Renal\n"
    report = import_units(cast.alpha, "units.csv", io.BytesIO(csv))
    assert (report.created, report.existing) == (1, 1)


def test_unit_import_requires_a_path_column(cast: Cast) -> None:
    with pytest.raises(ImportValidationError) as caught:
        import_units(cast.alpha, "units.csv", io.BytesIO(b"name\nFoo\n"))
    assert caught.value.errors[0].column == "path"


def test_roster_import_from_xlsx_creates_and_updates_by_email(cast: Cast) -> None:
    data = xlsx_bytes(
        [
            ["Email", "Unit", "Role", "Tenure_Band", "Name"],
            ["CARD1@alpha.example", "Alpha Health/Site A/Surgery", "Physician", "gt20", "Moved"],
            ["new@alpha.example", "Alpha Health/Site B/Pediatrics", "nurse", "", ""],
        ]
    )
    report = import_roster(cast.alpha, "roster.xlsx", io.BytesIO(data))
    assert (report.created, report.updated) == (1, 1)
    moved = cast.person("card1@alpha.example")
    assert moved.unit.full_name == "Alpha Health/Site A/Surgery"
    assert moved.tenure_band == "gt20"
    assert cast.person("new@alpha.example").role == "nurse"


def test_roster_import_lists_every_bad_row_and_column_and_stores_nothing(cast: Cast) -> None:
    before = list(Person.objects.order_by("pk").values_list("email", "unit_id", "role"))
    csv = (
        "email,unit,role,tenure_band\n"
        "ok@alpha.example,Alpha Health/Site A,physician,1to5\n"
        "not-an-email,Alpha Health/Site A,physician,\n"
        "x@alpha.example,Alpha Health/Nowhere,physician,\n"
        "y@alpha.example,Alpha Health/Site A,astronaut,forever\n"
        "ok@alpha.example,Alpha Health/Site A,nurse,\n"
        "card1@alpha.example,Alpha Health/Site B/Pediatrics,physician,\n"
    )
    with pytest.raises(ImportValidationError) as caught:
        import_roster(cast.alpha, "roster.csv", io.BytesIO(csv.encode()))
    problems = {(e.row, e.column) for e in caught.value.errors}
    assert problems == {
        (3, "email"),
        (4, "unit"),
        (5, "role"),
        (5, "tenure_band"),
        (6, "email"),
    }
    after = list(Person.objects.order_by("pk").values_list("email", "unit_id", "role"))
    assert after == before  # not even the valid rows 2 and 7


def test_roster_import_reports_missing_columns(cast: Cast) -> None:
    with pytest.raises(ImportValidationError) as caught:
        import_roster(cast.alpha, "roster.csv", io.BytesIO(b"email,name\na@b.org,A\n"))
    assert {e.column for e in caught.value.errors} == {"unit", "role"}


def test_roster_import_rejects_unreadable_files(cast: Cast) -> None:
    with pytest.raises(ImportValidationError, match="not a readable XLSX"):
        import_roster(cast.alpha, "roster.xlsx", io.BytesIO(b"this is not a zip"))
    with pytest.raises(ImportValidationError, match="not UTF-8"):
        import_roster(cast.alpha, "roster.csv", io.BytesIO("email\né".encode("latin-1")))
    with pytest.raises(ImportValidationError, match="unsupported file type"):
        import_roster(cast.alpha, "roster.pdf", io.BytesIO(b"%PDF"))


def test_deactivate_missing_marks_people_inactive_without_deleting(cast: Cast) -> None:
    csv = (
        b"email,unit,role\ncard1@alpha.example,Alpha Health/Site A/Medicine/Cardiology,physician\n"
    )
    report = import_roster(cast.alpha, "r.csv", io.BytesIO(csv), deactivate_missing=True)
    assert report.deactivated == 4
    assert Person.objects.filter(organization=cast.alpha).count() == 5
    assert Person.objects.filter(organization=cast.alpha, active=True).count() == 1
    assert Person.objects.get(email="fm1@beta.example").active  # other tenants untouched


def test_import_page_shows_every_problem_and_keeps_data(cast: Cast, login, upload) -> None:
    client = login(cast.owner)
    bad = upload("roster.csv", "email,unit,role\nbad,Alpha Health/Nowhere,astronaut\n")
    url = reverse("orgs:import_roster", kwargs={"org_slug": "alpha"})
    page = client.post(url, {"file": bad}).content.decode()
    assert "roster.csv was not imported" in page
    assert "unknown unit" in page
    assert "is not a valid e-mail address" in page
    assert "astronaut" in page
    assert Person.objects.filter(organization=cast.alpha).count() == 5


def test_import_page_imports_a_good_unit_file(cast: Cast, login, upload) -> None:
    client = login(cast.owner)
    good = upload("units.csv", "path\nAlpha Health/Site D/Neurology\n")
    url = reverse("orgs:import_units", kwargs={"org_slug": "alpha"})
    response = client.post(url, {"file": good}, follow=True)
    assert "Imported units from units.csv: 2 new" in response.content.decode()
    assert cast.unit(cast.alpha, "Alpha Health/Site D/Neurology").depth == 2


def test_unit_import_lists_every_problem_of_a_row_not_just_the_first(cast: Cast) -> None:
    """Row 2 has an empty level *and* a bad kind; row 3 a too-long path *and* a bad kind."""
    long_path = "Alpha Health/" + "/".join(["x" * 200] * 5)  # 1,000+ characters in all
    csv = f"path,kind\nAlpha Health//Broken,ward\n{long_path},floor\nAlpha Health/Ok,site\n"
    with pytest.raises(ImportValidationError) as caught:
        import_units(cast.alpha, "units.csv", io.BytesIO(csv.encode()))
    problems = [(e.row, e.column) for e in caught.value.errors]
    assert problems == [(2, "path"), (2, "kind"), (3, "path"), (3, "kind")]
    assert "longer than 1000 characters" in caught.value.errors[2].message
    assert not Unit.objects.filter(full_name="Alpha Health/Ok").exists()


def test_roster_import_lists_every_text_field_longer_than_its_column(cast: Cast) -> None:
    """validate_email accepts up to 320 characters; the column holds 254. On PostgreSQL a
    longer value would be a DataError (a 500), so each one is a listed row/column error."""
    email_limit = Person._meta.get_field("email").max_length
    assert email_limit == 254
    long_email = "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".example"  # 255 characters
    assert len(long_email) == 255
    edge_email = "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".exampl"  # exactly 254
    unit = "Alpha Health/Site A"
    csv = (
        "email,unit,role,name,external_id\n"
        f"{long_email},{unit},physician,Long Mail,\n"
        f"ok@alpha.example,{unit},physician,{'n' * 201},{'9' * 101}\n"
        f"{edge_email},{unit},physician,{'n' * 200},{'9' * 100}\n"
    )
    with pytest.raises(ImportValidationError) as caught:
        import_roster(cast.alpha, "roster.csv", io.BytesIO(csv.encode()))
    problems = {(e.row, e.column): e.message for e in caught.value.errors}
    assert set(problems) == {(2, "email"), (3, "name"), (3, "external_id")}
    assert problems[(2, "email")] == "longer than 254 characters"
    assert problems[(3, "external_id")] == "longer than 100 characters"

    # The values at the limits are stored whole, on every database.
    edge = csv.splitlines()[0] + "\n" + csv.splitlines()[3] + "\n"
    assert import_roster(cast.alpha, "roster.csv", io.BytesIO(edge.encode())).created == 1
    stored = Person.objects.get(email=edge_email)
    assert (len(stored.name), len(stored.external_id)) == (200, 100)


def _rejected(cast: Cast, filename: str, data: bytes) -> list[str]:
    before = list(Person.objects.order_by("pk").values_list("email", "name", "unit_id"))
    with pytest.raises(ImportValidationError) as caught:
        import_roster(cast.alpha, filename, io.BytesIO(data))
    assert list(Person.objects.order_by("pk").values_list("email", "name", "unit_id")) == before
    return [str(e) for e in caught.value.errors]


def test_a_field_of_200000_characters_is_a_clear_error(cast: Cast) -> None:
    data = b"email,name,unit,role\nz@alpha.example," + b"x" * 200_000 + b",Alpha Health,nurse\n"
    (error,) = _rejected(cast, "roster.csv", data)
    assert error == "row 2: not readable as CSV: a value is longer than 131,072 characters"


def test_a_long_cell_and_a_nul_are_named_by_row_and_column(cast: Cast) -> None:
    data = (
        "email,name,unit,role\n"
        "z@alpha.example,Na\x00me,Alpha Health,nurse\n"
        f"w@alpha.example,{'y' * 20_000},Alpha Health,nurse\n"
    ).encode()
    errors = _rejected(cast, "roster.csv", data)
    assert "row 2, column 'name': contains a NUL character (\\x00); remove it" in errors
    assert "row 3, column 'name': is 20,000 characters long; the limit is 10,000" in errors


def test_a_huge_workbook_is_refused_before_it_is_parsed(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clinwell.web.orgs.services import tabular

    monkeypatch.setattr(tabular, "MAX_XLSX_XML_BYTES", 2_000)
    data = xlsx_bytes(
        [["email", "unit", "role"]] + [[f"p{i}@x.org", "U", "nurse"] for i in range(99)]
    )
    (error,) = _rejected(cast, "roster.xlsx", data)
    assert error == "the workbook unpacks to more than 0 MB; save the sheet as CSV or split it"


def test_a_file_over_the_size_limit_is_refused_unread(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clinwell.web.orgs.services import tabular

    monkeypatch.setattr(tabular, "MAX_BYTES", 1024 * 1024)
    data = b"email,unit,role\n" + b"a@b.c,U,nurse\n" * 100_000
    (error,) = _rejected(cast, "roster.csv", data)
    assert error == "the file is larger than 1 MB; split it"


def test_the_import_page_reports_a_nul_instead_of_failing(cast: Cast, client) -> None:
    client.force_login(cast.owner)
    upload = io.BytesIO(b"email,name,unit,role\nz@alpha.example,Na\x00me,Alpha Health,nurse\n")
    upload.name = "roster.csv"
    page = client.post(reverse("orgs:import_roster", args=["alpha"]), {"file": upload})
    assert page.status_code == 200
    assert "contains a NUL character" in page.content.decode()
