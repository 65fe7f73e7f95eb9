"""Avro schemas generated from the event Structs, so the two can't drift apart.

Every event type becomes a record in the `deskstream.events` namespace; the wire schema
is the union of them all, so one topic or one container file can hold any event. The
generated schema is also committed as `events/schemas/deskstream.events.avsc` for
consumers in other languages (a test keeps it equal to the generated one).
"""
import io
import json
import types
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
    return fastavro.parse_schema(event_schema())


def builtins(event: msgspec.Struct) -> dict:
    # Keep datetimes and dates as objects: fastavro rejects their ISO strings.
    return msgspec.to_builtins(event, builtin_types=(datetime, date))


def encode(event: msgspec.Struct) -> bytes:
    """Schemaless Avro bytes of one event (the union branch picked by its type name)."""
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, parsed_schema(), to_record(event))
    return buffer.getvalue()


def to_record(event: msgspec.Struct) -> tuple[str, dict]:
    """fastavro's explicit union branch: (full record name, fields)."""
    return f"{NAMESPACE}.{type(event).__name__}", builtins(event)


def from_record(record: tuple[str, dict]) -> dict:
    """Fields of a record read with `return_record_name=True`, tagged with their type."""
    name, fields = record
    return {**fields, "type": name.rsplit(".", 1)[-1]}


def decode_fields(data: bytes) -> dict:
    record = fastavro.schemaless_reader(io.BytesIO(data), parsed_schema(), return_record_name=True)
    return from_record(record)


def schema_json() -> str:
    """The schema as committed in SCHEMA_FILE: stable, indented JSON."""
    return json.dumps(event_schema(), indent=2) + "\n"
