"""JSON and Avro bytes <-> canonical events, with upcasting of old versions.

Decoding refuses what the types can't say: an event whose time is outside the accepted
window (a broken clock, a year 9999 typo) is a bad record like a malformed one.
"""
from operator import attrgetter

import msgspec

from events import EVENT_TYPES, AnyEvent, Event, avro
from events.base import DEFAULT_TIME_WINDOW, TimeWindow
from events.upcasting import CURRENT_VERSION, has_versions, upcast


class EventDecodeError(ValueError):
    """The bytes are not a valid canonical event; the message says what and where."""


_json_encoder = msgspec.json.Encoder()
_json_decoder = msgspec.json.Decoder(AnyEvent)


_TYPES = {cls.__name__: cls for cls in EVENT_TYPES}
_VERSIONED = frozenset(_TYPES[name] for name in CURRENT_VERSION)  # read through `upcast`


def from_fields(raw: dict, window: TimeWindow = DEFAULT_TIME_WINDOW) -> Event:
    """Build an event from plain fields (any schema version)."""
    raw = upcast(raw)
    # Convert to the one type the tag names: msgspec caches a Struct's converter, not a
    # union's, and building the union's costs ~80 us a call.
    kind = _TYPES.get(raw.get("type"))
    if kind is None:
        raise EventDecodeError(f"Invalid value {raw.get('type')!r} - at `$.type`")
    try:
        event = msgspec.convert(raw, kind)
    except msgspec.ValidationError as exc:
        raise EventDecodeError(str(exc)) from None
    return in_window(event, window)


_occurred_at = attrgetter("occurred_at")
WINDOW_REASON = "Expected a time within"
OUTSIDE_WINDOW = "time outside the event time window"  # how such errors are counted


def in_window(event: Event, window: TimeWindow) -> Event:
    """`event`, or EventDecodeError when it is dated outside `window`."""
    if not window.start <= event.occurred_at < window.end:
        raise EventDecodeError(
            f"{WINDOW_REASON} {window} (DESKSTREAM_EVENT_TIME_WINDOW),"
            f" got {event.occurred_at.isoformat()} - at `$.occurred_at`"
        )
    return event


def encode_json(event: Event) -> bytes:
    return _json_encoder.encode(event)


def decode_json(data: bytes | str, window: TimeWindow = DEFAULT_TIME_WINDOW) -> Event:
    """Decode one JSON event; raises EventDecodeError naming the field at fault."""
    try:
        event = _json_decoder.decode(data)
    except msgspec.ValidationError:
        # Maybe an old version whose fields were renamed: lift it, then validate again.
        try:
            raw = msgspec.json.decode(data)
        except msgspec.DecodeError as exc:
            raise EventDecodeError(str(exc)) from None
        if not isinstance(raw, dict):
            raise EventDecodeError(f"Expected `object`, got `{type(raw).__name__}`") from None
        return from_fields(raw, window)
    except msgspec.DecodeError as exc:
        raise EventDecodeError(str(exc)) from None
    if has_versions(event):
        return from_fields(msgspec.json.decode(data), window)
    return in_window(event, window)


def decode_json_lines(block: bytes, window: TimeWindow = DEFAULT_TIME_WINDOW) -> list[Event]:
    """The events of a block of whole NDJSON lines, decoded in one call (blank lines
    skipped); EventDecodeError when any line is not a valid event: `decode_json` each
    line to know which."""
    try:
        events = _json_decoder.decode_lines(block)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise EventDecodeError(str(exc)) from None
    # The window checked with two passes in C rather than a Python call per event.
    times = list(map(_occurred_at, events))
    if times and not (window.start <= min(times) and max(times) < window.end):
        raise EventDecodeError(f"a time outside {window}")
    if _VERSIONED.isdisjoint(map(type, events)):
        return events
    lines = [line for line in block.split(b"\n") if line.strip()]  # one per event
    return [decode_json(line, window) if type(event) in _VERSIONED else event for event, line in zip(events, lines)]


def encode_avro(event: Event) -> bytes:
    return avro.encode(event)


def decode_avro(data: bytes, window: TimeWindow = DEFAULT_TIME_WINDOW) -> Event:
    try:
        raw = avro.decode_fields(data)
    except Exception as exc:  # fastavro raises several types for truncated or foreign bytes
        raise EventDecodeError(f"not an Avro-encoded deskstream event: {exc}") from None
    return from_fields(raw, window)


def decode(data: bytes, window: TimeWindow = DEFAULT_TIME_WINDOW) -> Event:
    """Decode bytes of either form: JSON starts with '{', anything else is Avro.

    Safe because an Avro union value starts with its branch index as a zig-zag varint,
    always even for a valid index, and '{' is 0x7b, odd.
    """
    return decode_json(data, window) if data[:1] == b"{" else decode_avro(data, window)
