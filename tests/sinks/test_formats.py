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
