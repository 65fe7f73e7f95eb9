"""JSON and Avro bytes <-> canonical events, with upcasting of old versions."""
import msgspec

from events import EVENT_TYPES, AnyEvent, Event, avro
from events.upcasting import CURRENT_VERSION, has_versions, upcast


class EventDecodeError(ValueError):
    """The bytes are not a valid canonical event; the message says what and where."""


_json_encoder = msgspec.json.Encoder()
_json_decoder = msgspec.json.Decoder(AnyEvent)


_TYPES = {cls.__name__: cls for cls in EVENT_TYPES}
_VERSIONED = frozenset(_TYPES[name] for name in CURRENT_VERSION)  # read through `upcast`


def from_fields(raw: dict) -> Event:
    """Build an event from plain fields (any schema version)."""
    raw = upcast(raw)
    # Convert to the one type the tag names: msgspec caches a Struct's converter, not a
    # union's, and building the union's costs ~80 us a call.
    kind = _TYPES.get(raw.get("type"))
    if kind is None:
        raise EventDecodeError(f"Invalid value {raw.get('type')!r} - at `$.type`")
    try:
        return msgspec.convert(raw, kind)
    except msgspec.ValidationError as exc:
        raise EventDecodeError(str(exc)) from None


def encode_json(event: Event) -> bytes:
    return _json_encoder.encode(event)


def decode_json(data: bytes | str) -> Event:
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
        return from_fields(raw)
    except msgspec.DecodeError as exc:
        raise EventDecodeError(str(exc)) from None
    if has_versions(event):
        return from_fields(msgspec.json.decode(data))
    return event


def decode_json_lines(block: bytes) -> list[Event]:
    """The events of a block of whole NDJSON lines, decoded in one call (blank lines
    skipped); EventDecodeError when any line is not a valid event: `decode_json` each
    line to know which."""
    try:
        events = _json_decoder.decode_lines(block)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise EventDecodeError(str(exc)) from None
    if _VERSIONED.isdisjoint(map(type, events)):
        return events
    lines = [line for line in block.split(b"\n") if line.strip()]  # one per event
    return [decode_json(line) if type(event) in _VERSIONED else event for event, line in zip(events, lines)]


def encode_avro(event: Event) -> bytes:
    return avro.encode(event)


def decode_avro(data: bytes) -> Event:
    try:
        raw = avro.decode_fields(data)
    except Exception as exc:  # fastavro raises several types for truncated or foreign bytes
        raise EventDecodeError(f"not an Avro-encoded deskstream event: {exc}") from None
    return from_fields(raw)


def decode(data: bytes) -> Event:
    """Decode bytes of either form: JSON starts with '{', anything else is Avro.

    Safe because an Avro union value starts with its branch index as a zig-zag varint,
    always even for a valid index, and '{' is 0x7b, odd.
    """
    return decode_json(data) if data[:1] == b"{" else decode_avro(data)
