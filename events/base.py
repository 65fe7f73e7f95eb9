"""The base of every canonical event: identity, time and schema version."""
from datetime import UTC, datetime
from typing import Annotated, NamedTuple

import msgspec

# Aware datetimes only: a naive one would be read in the host's time zone by fastavro.
UtcDatetime = Annotated[datetime, msgspec.Meta(tz=True)]
# Every integer field is an Avro `long`: a value beyond 64 bits is refused when decoded
# (msgspec checks the bounds in C), not later when the event can't be encoded.
Long = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]


class TimeWindow(NamedTuple):
    """The times an event may have happened at: `start` included, `end` excluded."""

    start: datetime
    end: datetime

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d}/{self.end:%Y-%m-%d}"


# Help-desk events happen between the Unix epoch and the end of the century; a time
# outside is a broken clock or a typo (see docs/decisions.md).
DEFAULT_TIME_WINDOW = TimeWindow(datetime(1970, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


# gc=False: events hold only values, never cycles, and replay keeps millions of them
# alive; leaving them out of the cycle collector keeps its passes short.
class Event(msgspec.Struct, frozen=True, kw_only=True, tag_field="type", tag=True, gc=False):
    """A fact that happened. Subclasses add the entity key and what changed.

    `schema_version` is the version the event was written with; readers lift old
    versions through the upcasters in `events.upcasting` before decoding.
    """

    event_id: str
    occurred_at: UtcDatetime
    schema_version: Long = 1

    @property
    def key(self) -> str:
        """The entity key: events with the same key belong to one projection state."""
        raise NotImplementedError(type(self).__name__)
