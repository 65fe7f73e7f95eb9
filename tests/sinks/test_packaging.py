"""Packaging (spec §4.3): a .zip holding export_YYYY_MM_DD_<id>_1.<ext>, the same bytes every time."""
import hashlib
import re
import zipfile
from datetime import UTC, datetime

import msgspec
import pytest

from events.commands import ExportRequest
from projections.state import ProjectionState
from sinks.export import write_export
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
