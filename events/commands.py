"""Messages on the command topic and the export-ready topic (JSON).

`deskstream snapshot` and the worker's HTTP endpoint send a `SnapshotRequested`; the
worker answers on the export-ready topic with an `ExportReady` of the same request id.
"""

import msgspec

from events.base import UtcDatetime


class SnapshotRequested(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    request_id: str
    export: str
    time_zone: str = "UTC"
    date_from: UtcDatetime | None = None
    date_to: UtcDatetime | None = None
    channels: tuple[str, ...] = ()
    as_of: UtcDatetime | None = None


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
