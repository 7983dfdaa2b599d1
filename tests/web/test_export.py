"""Table downloads: CSV and Excel read back with pandas/openpyxl hold the same values."""

import io
from datetime import date, datetime

import numpy as np
import openpyxl
import pandas as pd
import pytest

from kundepuls.kit.errors import UsageError
from kundepuls.web.export import check_format, safe_filename, table_response

LABELS = ["Region", "Verdi", "n", "Dato", "Lite utvalg"]
FRAME = pd.DataFrame(
    {
        "region": ["Trøndelag", "Østlandet", '=HYPERLINK("http://x")', "-2+3", "@SUM(A1)"],
        "value": [12.5, -3.25, np.nan, 1.0, 1e-7],
        "n": np.array([120, 4, 0, 7, 1], dtype="int64"),
        "day": [date(2026, 1, 1), date(2026, 2, 1), None, date(2026, 4, 1), date(2026, 5, 1)],
        "low": [False, True, True, True, True],
    }
)


def test_csv_has_a_bom_semicolons_for_bokmal_and_machine_readable_numbers() -> None:
    answer = table_response(FRAME, LABELS, "csv", "NPS per region – Sør", "nb")
    assert answer.body.startswith(b"\xef\xbb\xbf")
    assert answer.headers["content-disposition"] == 'attachment; filename="NPS-per-region-Sor.csv"'
    back = pd.read_csv(io.BytesIO(answer.body), sep=";", encoding="utf-8-sig")
    assert list(back.columns) == LABELS
    assert back["Region"].tolist()[:2] == ["Trøndelag", "Østlandet"]
    np.testing.assert_allclose(back["Verdi"].to_numpy(), FRAME["value"].to_numpy())
    assert back["n"].tolist() == [120, 4, 0, 7, 1]
    assert back["Dato"].tolist()[0] == "2026-01-01"
    assert back["Lite utvalg"].tolist() == [False, True, True, True, True]


def test_english_csv_uses_commas() -> None:
    answer = table_response([[1.5, "a,b"]], ["Value", "Text"], "csv", "x", "en")
    back = pd.read_csv(io.BytesIO(answer.body), encoding="utf-8-sig")
    assert back.iloc[0].tolist() == [1.5, "a,b"]


def test_formula_injection_is_neutralised_in_csv_and_excel() -> None:
    csv_back = pd.read_csv(
        io.BytesIO(table_response(FRAME, LABELS, "csv", "x").body), sep=";", encoding="utf-8-sig"
    )
    wanted = ['\'=HYPERLINK("http://x")', "'-2+3", "'@SUM(A1)"]
    assert csv_back["Region"].tolist()[2:] == wanted
    book = openpyxl.load_workbook(io.BytesIO(table_response(FRAME, LABELS, "xlsx", "x").body))
    sheet = book.active
    assert sheet is not None
    cells = [sheet.cell(row=r, column=1) for r in (4, 5, 6)]
    assert [c.value for c in cells] == wanted
    assert all(c.data_type == "s" for c in cells)


def test_excel_cells_are_typed_with_a_bold_header_and_widths() -> None:
    answer = table_response(FRAME, LABELS, "xlsx", "NPS per region")
    assert answer.media_type.startswith("application/vnd.openxmlformats")
    assert answer.headers["content-disposition"].endswith('filename="NPS-per-region.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(answer.body))
    sheet = book.active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == LABELS
    assert all(c.font.bold for c in sheet[1])
    assert sheet.cell(row=2, column=2).value == 12.5
    assert sheet.cell(row=3, column=2).value == -3.25
    assert sheet.cell(row=4, column=2).value is None
    assert sheet.cell(row=2, column=3).value == 120
    assert sheet.cell(row=2, column=4).value == datetime(2026, 1, 1)
    assert sheet.cell(row=3, column=5).value is True
    assert sheet.column_dimensions["A"].width >= len("Trøndelag")
    frame = pd.read_excel(io.BytesIO(answer.body))
    assert frame["Region"].tolist()[:2] == ["Trøndelag", "Østlandet"]


@pytest.mark.parametrize(
    ("name", "wanted"),
    [
        ("../../etc/passwd", "etc-passwd.csv"),
        ('a"b\r\nContent-Type: x', "a-b-Content-Type-x.csv"),
        ("Kundetilfredshet på Åsane", "Kundetilfredshet-pa-Asane.csv"),
        ("", "kundepuls.csv"),
    ],
)
def test_file_names_are_safe(name: str, wanted: str) -> None:
    assert safe_filename(name, "csv") == wanted


def test_an_unknown_format_is_a_usage_error() -> None:
    assert check_format(None) is None
    with pytest.raises(UsageError, match="format 'pdf'"):
        check_format("pdf")
