import csv
import io
import json

import pytest

from sinks.formats import CsvFormat, NdjsonFormat, protect_cell


@pytest.mark.parametrize(
    "value, cell",
    [
        ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
        ("+33 6 00 00 00 00", "'+33 6 00 00 00 00"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("plain text", "plain text"),
        (-5, "-5"),  # numbers stay numbers
        (None, ""),
        (True, "true"),
    ],
)
def test_protect_cell_quotes_what_a_spreadsheet_would_run(value, cell):
    assert protect_cell(value) == cell


@pytest.mark.parametrize(
    "value, cell",
    [
        ("\rcmd", "'\rcmd"),
        ("  =1+1", "'  =1+1"),
        (" @SUM(A1)", "' @SUM(A1)"),
        (" \tcmd", "' \tcmd"),
        ("\uff1dHYPERLINK(1)", "'\uff1dHYPERLINK(1)"),  # full-width =
        ("\uff0b1", "'\uff0b1"),  # full-width +
        ("\uff0d1", "'\uff0d1"),  # full-width -
        ("\uff20SUM(A1)", "'\uff20SUM(A1)"),  # full-width @
        ("a = b", "a = b"),  # only a leading sign runs
        ("-5", "'-5"),  # text that looks like a number is still text
    ],
)
def test_protect_cell_quotes_formulas_after_spaces_and_in_full_width(value, cell):
    assert protect_cell(value) == cell


@pytest.mark.parametrize("value, cell", [(-5, "-5"), (0, "0"), (1.5, "1.5"), (-0.25, "-0.25")])
def test_protect_cell_keeps_numbers_as_numbers(value, cell):
    assert protect_cell(value) == cell


def test_csv_format_writes_numbers_unquoted_and_protected_text_quoted_only_when_needed():
    # given a negative number, a formula and a formula with a comma
    rows = [[-5, "=1+1", "=SUM(1,2)"]]
    # when
    data = b"".join(CsvFormat().chunks(["n", "a", "b"], rows))
    # then
    assert data == b"n,a,b\r\n-5,'=1+1,\"'=SUM(1,2)\"\r\n"


class FormatContract:
    """What every format must do; subclasses say how to read their bytes back."""

    format = None

    def read_back(self, data: bytes) -> list[dict]:
        raise NotImplementedError

    def test_rows_read_back_as_written(self):
        # given
        headers = ["ID", "Subject"]
        rows = [[1, "Printer, on fire"], [2, 'Quote " inside\nand a newline']]
        # when
        data = b"".join(self.format.chunks(headers, rows))
        # then
        assert self.read_back(data) == [
            {"ID": "1", "Subject": "Printer, on fire"},
            {"ID": "2", "Subject": 'Quote " inside\nand a newline'},
        ]

    def test_no_rows_still_gives_a_readable_file(self):
        assert self.read_back(b"".join(self.format.chunks(["ID"], []))) == []


class TestCsvFormat(FormatContract):
    format = CsvFormat()

    def read_back(self, data):
        return list(csv.DictReader(io.StringIO(data.decode(), newline="")))

    def test_header_is_written_even_without_rows(self):
        assert b"".join(self.format.chunks(["ID", "Name"], [])) == b"ID,Name\r\n"


class TestNdjsonFormat(FormatContract):
    format = NdjsonFormat()

    def read_back(self, data):
        return [{k: str(v) for k, v in json.loads(line).items()} for line in data.splitlines()]
