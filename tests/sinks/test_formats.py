import csv
import io
import json
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from sinks.formats import CsvFormat, LocalTimes, NdjsonFormat, local_time, protect_cell


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


def test_csv_format_with_text_columns_checks_only_those():
    # given two text columns, and a column of text the export made itself
    rows = [["=1+1", "=SUM(1,2)", "=made here", -5], ["a", "b", "c", 1]]
    # when
    data = b"".join(CsvFormat(text_columns=["a", "b"]).chunks(["a", "b", "own", "n"], rows))
    # then
    assert data == b"a,b,own,n\r\n'=1+1,\"'=SUM(1,2)\",=made here,-5\r\na,b,c,1\r\n"


def test_csv_format_with_one_text_column_checks_it():
    # when
    data = b"".join(CsvFormat(text_columns=["b"]).chunks(["a", "b"], [[1, "@x"], [2, "y"]]))
    # then
    assert data == b"a,b\r\n1,'@x\r\n2,y\r\n"


def _seconds(start: datetime, end: datetime, step: int):
    at = start
    while at < end:
        yield at
        at += timedelta(seconds=step)


@pytest.mark.parametrize(
    "zone, start",
    [
        ("Europe/Paris", datetime(2026, 3, 29, 0, 30, tzinfo=UTC)),  # clocks forward at 01:00 UTC
        ("Europe/Paris", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # and back
        ("Australia/Lord_Howe", datetime(2026, 4, 4, 14, 30, tzinfo=UTC)),  # back half an hour
        ("America/St_Johns", datetime(2026, 3, 8, 5, 0, tzinfo=UTC)),  # an offset of -03:30
    ],
)
def test_local_times_are_local_time_to_the_second_across_an_offset_change(zone, start):
    # given every 7th second of the two hours around an offset change
    times = list(_seconds(start, start + timedelta(hours=2), 7))
    # when
    written = list(map(LocalTimes(ZoneInfo(zone)), times))
    # then each is written as local_time writes it
    assert written == [local_time(at, ZoneInfo(zone)) for at in times]
    assert len(set(written)) == len(times)


@pytest.mark.parametrize(
    "at, text",
    [
        (datetime(1880, 6, 1, 12, 0, 5, tzinfo=UTC), "1880-06-01T12:09:26+00:09:21"),  # Paris mean time
        (datetime(2026, 3, 6, 9, 15, 42, 250000, tzinfo=UTC), "2026-03-06T10:15:42+01:00"),  # to the second
        (datetime(2026, 3, 6, 9, 15, 42, tzinfo=timezone(timedelta(hours=2))), "2026-03-06T08:15:42+01:00"),
        (None, None),
    ],
    ids=["offset with seconds", "microseconds", "not utc", "no time"],
)
def test_local_times_writes_the_uncommon_times_as_local_time_does(at, text):
    # when
    written = LocalTimes(ZoneInfo("Europe/Paris"))(at)
    # then
    assert written == text == local_time(at, ZoneInfo("Europe/Paris"))


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
