"""What users ask of exports, and the messages that carry it (JSON).

`deskstream replay` writes an `ExportRequest` itself; `deskstream snapshot` and the
worker's HTTP endpoint send it in a `SnapshotRequested` on the command topic, and the
worker answers on the export-ready topic with an `ExportReady` of the same request id.
"""
from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec

from events.base import UtcDatetime


class ExportRequest(msgspec.Struct, frozen=True, kw_only=True):
    """Which export, in which time zone, over which range."""

    export: str
    time_zone: str = "UTC"
    # Start inclusive, end exclusive (the CLI reads bare dates in time_zone).
    date_from: UtcDatetime | None = None
    date_to: UtcDatetime | None = None
    channels: tuple[str, ...] = ()
    # The snapshot's time: closes presence intervals still running (semantics.md).
    as_of: UtcDatetime | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def in_range(self, at: datetime) -> bool:
        if self.date_from is not None and at < self.date_from:
            return False
        return self.date_to is None or at < self.date_to


class SnapshotRequested(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    request_id: str
    request: ExportRequest


class ExportReady(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """The answer to one request: the file written, or why none was."""

    request_id: str
    export: str
    path: str | None = None
    rows: int = 0
    sha256: str | None = None
    as_of: UtcDatetime | None = None
    # "topic:partition" -> offset of the last input event in the snapshot.
    offsets: dict[str, int] = {}
    error: str | None = None


Command = SnapshotRequested
command_decoder = msgspec.json.Decoder(Command)
ready_decoder = msgspec.json.Decoder(ExportReady)
