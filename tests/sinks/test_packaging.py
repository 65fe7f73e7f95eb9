"""Packaging (spec §4.3): a .zip holding export_YYYY_MM_DD_<id>_1.<ext>, the same bytes every time."""
import hashlib
import re
import threading
import zipfile
from datetime import UTC, datetime

import msgspec
import pytest

from events.commands import ExportRequest
from projections.state import ProjectionState
from sinks.export import write_export
from sinks import packaging
from sinks.packaging import export_id, package_names, write_package
from sinks.ticket_metrics import TicketMetricsExport
from tests.projections.tickets_story import at, created, people

# 23:30 in London on 6 March is 00:30 on 7 March in Paris.
REQUEST = ExportRequest(export="zendesk-csv", time_zone="Europe/Paris", as_of=datetime(2026, 3, 6, 23, 30, tzinfo=UTC))


class PackagedTicketMetrics(TicketMetricsExport):
    """The ticket-metrics rows, delivered as the Zendesk account exports are."""

    packaged = True


def test_package_names_carry_the_as_of_date_in_the_request_time_zone():
    # when
    zip_name, entry_name = package_names("zendesk-csv", ".csv", REQUEST)
    # then
    unique = export_id(REQUEST)
    assert zip_name == f"zendesk-csv_2026_03_07_{unique}.zip"
    assert entry_name == f"export_2026_03_07_{unique}_1.csv"


def test_package_id_is_hex_and_depends_on_the_parameters_not_the_requester():
    # given
    by_ana = msgspec.structs.replace(REQUEST, requester="ana@nimbus.example")
    later = msgspec.structs.replace(REQUEST, as_of=datetime(2026, 3, 7, tzinfo=UTC))
    ranged = msgspec.structs.replace(REQUEST, date_from=datetime(2026, 3, 1, tzinfo=UTC))
    # then
    assert re.fullmatch(r"[0-9a-f]{16}", export_id(REQUEST))
    assert export_id(by_ana) == export_id(REQUEST)
    assert len({export_id(REQUEST), export_id(later), export_id(ranged)}) == 3


@pytest.mark.parametrize(
    "as_of, entry_time",
    [
        (datetime(2026, 3, 6, 23, 30, 12, tzinfo=UTC), (2026, 3, 7, 0, 30, 12)),  # Paris wall clock
        (datetime(1975, 6, 1, tzinfo=UTC), (1980, 1, 1, 0, 0, 0)),  # before zip time began
        (None, (1980, 1, 1, 0, 0, 0)),  # a snapshot of no events
    ],
)
def test_package_entry_time_is_the_as_of_clamped_to_1980(tmp_path, as_of, entry_time):
    # given
    request = msgspec.structs.replace(REQUEST, as_of=as_of)
    # when
    result = write_export(PackagedTicketMetrics(), ProjectionState(), request, tmp_path)
    # then
    with zipfile.ZipFile(result.path) as archive:
        (entry,) = archive.infolist()
    assert entry.date_time == entry_time
    assert entry.external_attr >> 16 == 0o100644


def test_package_bytes_are_the_same_for_the_same_request_over_the_same_data(tmp_path):
    # given
    state = ProjectionState()
    state.fold(people() + [created(at("03-02 09:00"), ticket_id=1), created(at("03-03 09:00"), ticket_id=2)])
    # when
    first = write_export(PackagedTicketMetrics(), state, REQUEST, tmp_path / "a")
    second = write_export(PackagedTicketMetrics(), state, REQUEST, tmp_path / "b")
    # then
    first_bytes = open(first.path, "rb").read()
    assert first_bytes == open(second.path, "rb").read()
    assert first.sha256 == second.sha256 == hashlib.sha256(first_bytes).hexdigest()
    assert first.rows == 2


def test_packaged_export_holds_exactly_the_plain_file_bytes(tmp_path):
    # given
    state = ProjectionState()
    state.fold(people() + [created(at("03-02 09:00"), ticket_id=1)])
    # when
    plain = write_export(TicketMetricsExport(), state, REQUEST, tmp_path / "plain")
    packaged = write_export(PackagedTicketMetrics(), state, REQUEST, tmp_path / "zip")
    # then
    with zipfile.ZipFile(packaged.path) as archive:
        (name,) = archive.namelist()
        inner = archive.read(name)
    assert name == f"export_2026_03_07_{export_id(REQUEST)}_1.ndjson"
    assert inner == open(plain.path, "rb").read()
    assert packaged.path.endswith(f"/ticket-metrics_2026_03_07_{export_id(REQUEST)}.zip")


def test_package_is_written_whole_or_not_at_all(tmp_path):
    # given rows that fail half-way
    def chunks():
        yield b"ticket_id\r\n"
        raise RuntimeError("disk on fire")

    # when
    with pytest.raises(RuntimeError):
        write_package(tmp_path, "a.zip", "export_2026_03_07_00ff_1.csv", datetime(2026, 3, 7), chunks())
    # then
    assert list(tmp_path.iterdir()) == []


def test_a_package_is_the_same_bytes_however_its_rows_come_cut(tmp_path, monkeypatch):
    # given the thread that deflates taking pieces of 64 bytes, and 50 rows of 30 bytes
    monkeypatch.setattr(packaging, "PIECE_BYTES", 64)
    rows = [f"{n:04},solved,2026-03-07T10:{n % 60:02}\r\n".encode() for n in range(50)]
    assert {len(row) for row in rows} == {30}
    when = datetime(2026, 3, 7)
    # when the same rows come one by one, and all in one chunk
    one_by_one, _ = write_package(tmp_path / "a", "a.zip", "export_2026_03_07_00ff_1.csv", when, iter(rows))
    whole, _ = write_package(tmp_path / "b", "b.zip", "export_2026_03_07_00ff_1.csv", when, [b"".join(rows)])
    # then the two zips are the same bytes, holding the rows in order
    assert one_by_one.read_bytes() == whole.read_bytes()
    with zipfile.ZipFile(one_by_one) as archive:
        assert archive.read("export_2026_03_07_00ff_1.csv") == b"".join(rows)


class FullDisk:
    """A zip entry whose writes fail, as on a full disk."""

    def __init__(self):
        self.written = 0

    def write(self, piece: bytes) -> None:
        self.written += 1
        raise OSError(28, "No space left on device")


def test_a_failed_deflate_stops_the_rows_and_is_raised_where_they_are_made(monkeypatch):
    # given pieces of 64 bytes, and an entry that can't be written
    monkeypatch.setattr(packaging, "PIECE_BYTES", 64)
    made = []

    def rows():
        for n in range(1000):
            made.append(n)
            yield b"x" * 64

    entry = FullDisk()
    threads = threading.active_count()
    # when the rows are deflated into it
    with pytest.raises(OSError, match="No space left"):
        packaging._deflated_beside(entry, rows())
    # then the first failed write stops the rows well before their end, no other write is
    # tried, and the thread that deflated is gone
    assert len(made) < 10
    assert entry.written == 1
    assert threading.active_count() == threads
