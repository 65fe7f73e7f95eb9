"""What a user asks of an export: which one, in which time zone, over which range."""
from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec



class ExportRequest(msgspec.Struct, frozen=True, kw_only=True):
    export: str
    time_zone: str = "UTC"
    # Start inclusive, end exclusive, as aware datetimes (the CLI reads dates in time_zone).
    date_from: datetime | None = None
    date_to: datetime | None = None
    channels: tuple[str, ...] = ()
    # The snapshot's time: closes presence intervals still running (semantics.md).
    as_of: datetime | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def in_range(self, at: datetime) -> bool:
        if self.date_from is not None and at < self.date_from:
            return False
        return self.date_to is None or at < self.date_to
