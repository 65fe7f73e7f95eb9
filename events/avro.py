"""Avro schemas generated from the event Structs, so the two can't drift apart.

Every event type becomes a record in the `deskstream.events` namespace; the wire schema
is the union of them all, so one topic or one container file can hold any event. The
generated schema is also committed as `events/schemas/deskstream.events.avsc` for
consumers in other languages (a test keeps it equal to the generated one).
"""
import io
import json
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import fastavro
import msgspec
from msgspec import inspect

NAMESPACE = "deskstream.events"
SCHEMA_FILE = Path(__file__).parent / "schemas" / f"{NAMESPACE}.avsc"


def _field_type(info: inspect.Type, named: set[str], namespace: str) -> Any:
    match info:
        case inspect.IntType():
            return "long"
        case inspect.StrType() | inspect.LiteralType():
            return "string"  # Literal values like "end-user" aren't valid Avro enum symbols
        case inspect.BoolType():
            return "boolean"
        case inspect.DateTimeType():
            return {"type": "long", "logicalType": "timestamp-micros"}
        case inspect.DateType():
            return {"type": "int", "logicalType": "date"}
        case inspect.VarTupleType(item_type=item) | inspect.ListType(item_type=item):
            return {"type": "array", "items": _field_type(item, named, namespace)}
        case inspect.DictType(value_type=value):
            return {"type": "map", "values": _field_type(value, named, namespace)}
        case inspect.UnionType(types=members):
            non_null = [m for m in members if not isinstance(m, inspect.NoneType)]
            branches = [_field_type(m, named, namespace) for m in non_null]
            return ["null", *branches] if len(non_null) < len(members) else branches
        case inspect.StructType():
            return record_schema(info.cls, named, namespace)
    raise TypeError(f"no Avro mapping for {info!r}")


def record_schema(cls: type[msgspec.Struct], named: set[str] | None = None, namespace: str = NAMESPACE) -> Any:
    """The Avro record of one Struct; a record already defined is referred to by name."""
    named = set() if named is None else named
    full_name = f"{namespace}.{cls.__name__}"
    if full_name in named:
        return full_name
    named.add(full_name)
    fields = []
    for field in inspect.type_info(cls).fields:
        avro_field = {"name": field.name, "type": _field_type(field.type, named, namespace)}
        if field.default is not inspect.NODEFAULT:
            default = msgspec.to_builtins(field.default)
            if isinstance(avro_field["type"], list) and default is not None:
                # An Avro union's default must match its first branch: put null last.
                avro_field["type"].remove("null")
                avro_field["type"].append("null")
            avro_field["default"] = list(default) if isinstance(default, tuple) else default
        fields.append(avro_field)
    return {"type": "record", "name": cls.__name__, "namespace": namespace, "fields": fields}


def event_schema() -> list:
    """The union schema of every canonical event type, in EVENT_TYPES order."""
    from events import EVENT_TYPES

    named: set[str] = set()
    return [record_schema(cls, named) for cls in EVENT_TYPES]


@cache
def parsed_schema() -> Any:
    """The union, parsed: for container files, whose writer parses it once per file."""
    return fastavro.parse_schema(event_schema())


@cache
def _branches() -> tuple[tuple[dict, ...], dict[str, int]]:
    """Each branch of the union parsed on its own, and its index by type name.

    fastavro can't mark a parsed union (a list) as parsed, so its schemaless reader and
    writer would parse the whole union again on every call (~100 us); a parsed record is
    kept as is, so single events are written as the union's index, then their record.
    """
    named: dict = {}
    records = tuple(fastavro.parse_schema(record, named_schemas=named) for record in event_schema())
    return records, {_type_name(record["name"]): i for i, record in enumerate(records)}


def builtins(event: msgspec.Struct) -> dict:
    # Keep datetimes and dates as objects: fastavro rejects their ISO strings.
    return msgspec.to_builtins(event, builtin_types=(datetime, date))


def encode(event: msgspec.Struct) -> bytes:
    """Schemaless Avro bytes of one event, as the union of all event records encodes it."""
    records, index = _branches()
    branch = index[type(event).__name__]
    buffer = io.BytesIO()
    buffer.write(_zigzag(branch))
    fastavro.schemaless_writer(buffer, records[branch], builtins(event))
    return buffer.getvalue()


def to_record(event: msgspec.Struct) -> tuple[str, dict]:
    """fastavro's explicit union branch: (full record name, fields)."""
    return f"{NAMESPACE}.{type(event).__name__}", builtins(event)


def from_record(record: tuple[str, dict]) -> dict:
    """Fields of a record read with `return_record_name=True`, tagged with their type."""
    name, fields = record
    return {**fields, "type": _type_name(name)}


def decode_fields(data: bytes) -> dict:
    """The fields of one schemaless event, tagged with their type; ValueError if not one."""
    records, _ = _branches()
    buffer = io.BytesIO(data)
    branch = _read_zigzag(buffer)
    if not 0 <= branch < len(records):
        raise ValueError(f"union branch {branch} out of range")
    record = records[branch]
    return {**fastavro.schemaless_reader(buffer, record), "type": _type_name(record["name"])}


def _type_name(record_name: str) -> str:
    """The event type of a full record name: deskstream.events.TicketCreated -> TicketCreated."""
    return record_name.rsplit(".", 1)[-1]


def _zigzag(value: int) -> bytes:
    """Avro's int encoding: zig-zag, then a little-endian base-128 varint."""
    value = (value << 1) ^ (value >> 63)
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _read_zigzag(buffer: io.BytesIO) -> int:
    shift = result = 0
    while byte := buffer.read(1):
        result |= (byte[0] & 0x7F) << shift
        if not byte[0] & 0x80:
            return (result >> 1) ^ -(result & 1)
        shift += 7
    raise ValueError("truncated union branch index")


def schema_json() -> str:
    """The schema as committed in SCHEMA_FILE: stable, indented JSON."""
    return json.dumps(event_schema(), indent=2) + "\n"
