"""What users ask of exports, and the messages that carry it (JSON).

`deskstream replay` writes an `ExportRequest` itself; `deskstream snapshot` and the
worker's HTTP endpoint send it in a `SnapshotRequested` on the command topic, and the
worker answers on the export-ready topic with an `ExportReady` of the same request id.
Every request, answered or refused, is kept in the audit log as an `ExportAudited`.
"""
from datetime import datetime
from typing import Literal
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
    # The snapshot's time: closes presence intervals still running (docs/metrics.md).
    as_of: UtcDatetime | None = None
    # The e-mail of who asks: the Zendesk account exports are for administrators only.
    requester: str | None = None

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
    # "topic:partition" -> offset of the last input event in the snapshot, for every input
    # partition whose holder applied one since it took the partition (a partition taken over
    # and idle since has its entities, restored from the changelog, but no offset known).
    offsets: dict[str, int] = {}
    error: str | None = None
    # "ok", "refused" (the requester may not export it: see `error`) or "failed".
    outcome: Literal["ok", "refused", "failed"] = "ok"


class ExportAudited(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """One export request as the audit log keeps it: who asked for what, when, and what came of it.

    `at` is the wall-clock time the request was answered (not an event time).
    """

    at: UtcDatetime
    export: str
    requester: str | None
    request: ExportRequest
    outcome: Literal["ok", "refused", "failed"]
    reason: str | None = None
    request_id: str | None = None
    rows: int | None = None
    sha256: str | None = None
    path: str | None = None


Command = SnapshotRequested
command_decoder = msgspec.json.Decoder(Command)
ready_decoder = msgspec.json.Decoder(ExportReady)
