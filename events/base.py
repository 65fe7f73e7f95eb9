"""The base of every canonical event: identity, time and schema version."""
from datetime import datetime
from typing import Annotated

import msgspec

# Aware datetimes only: a naive one would be read in the host's time zone by fastavro.
UtcDatetime = Annotated[datetime, msgspec.Meta(tz=True)]


# gc=False: events hold only values, never cycles, and replay keeps millions of them
# alive; leaving them out of the cycle collector keeps its passes short.
class Event(msgspec.Struct, frozen=True, kw_only=True, tag_field="type", tag=True, gc=False):
    """A fact that happened. Subclasses add the entity key and what changed.

    `schema_version` is the version the event was written with; readers lift old
    versions through the upcasters in `events.upcasting` before decoding.
    """

    event_id: str
    occurred_at: UtcDatetime
    schema_version: int = 1

    @property
    def key(self) -> str:
        """The entity key: events with the same key belong to one projection state."""
        raise NotImplementedError(type(self).__name__)
