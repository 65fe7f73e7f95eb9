"""Reading one Zendesk resource file: NDJSON lines to plain objects, and checked field access.

Objects stay plain dicts: Zendesk's shapes vary by API version, and a reason like
"expected integer `ticket_id`, got 'abc'" needs the field name, which the accessors
below put in every `BadRecord` they raise.
"""
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NamedTuple

import msgspec

from events.errors import RAW_LIMIT, ErrorHandler, SourceError


class BadRecord(ValueError):
    """An object (or one event inside it) can't be converted; the message is the reason."""


class Record(NamedTuple):
    """One API object and where it came from."""

    source: str
    line: int
    obj: dict[str, Any]
    raw: str
    item: str = ""  # where in its line, when a line holds many: "tickets[3]"

    def error(self, reason: str) -> SourceError:
        reason = f"{self.item}: {reason}" if self.item else reason
        return SourceError(self.source, self.line, reason, self.raw, kind=kind_of(reason))


def kind_of(reason: str) -> str:
    """A reason without the value or the ids it names, to count errors by:
    "expected integer `ticket_id`, got 'abc'" -> "expected integer `ticket_id`"."""
    return re.sub(r"\d+", "N", reason.split(", got ")[0])


def read_records(path: Path, singular: str, on_error: ErrorHandler) -> Iterator[Record]:
    """The objects of one NDJSON file, in file order; bad lines go to `on_error`.

    Besides one object a line, a line may hold an object wrapped the way the account
    JSON export writes it, `{"ticket": {...}}`, or a whole API page as the API returns
    it, `{"tickets": [...], "next_page": ...}`; a file may also be one JSON document
    printed over many lines (such a page saved through `jq .`).
    """
    source = str(path)
    with path.open("rb") as file:
        pretty = file.readline().strip() in (b"{", b"[")
        file.seek(0)
        lines = [(1, file.read())] if pretty else enumerate(file, start=1)
        for number, line in lines:
            if not line.strip():
                continue
            raw = line.decode("utf-8", errors="replace").rstrip("\r\n")[:RAW_LIMIT]
            try:
                obj = msgspec.json.decode(line)
            except msgspec.DecodeError as exc:
                reason = str(exc).removeprefix("JSON is malformed: ")
                on_error(SourceError(source, number, f"malformed JSON: {reason}", raw, kind="malformed JSON"))
                continue
            for where, obj in _objects(obj, singular):
                if where:
                    raw = msgspec.json.encode(obj).decode()[:RAW_LIMIT]
                if not isinstance(obj, dict):
                    reason = f"{where}: " * bool(where) + f"expected a JSON object, got {show(obj)}"
                    on_error(SourceError(source, number, reason, raw, kind="expected a JSON object"))
                    continue
                yield Record(source, number, obj, raw, where)


def _objects(obj: Any, singular: str) -> list[tuple[str, Any]]:
    """The API objects a line holds, each with where it is in the line ("" for the line)."""
    plural = f"{singular}s"
    if isinstance(obj, dict) and len(obj) == 1 and isinstance(obj.get(singular), dict):
        return [("", obj[singular])]
    if isinstance(obj, dict) and "id" not in obj and isinstance(obj.get(plural), list):
        return [(f"{plural}[{i}]", item) for i, item in enumerate(obj[plural])]
    if isinstance(obj, list):
        return [(f"[{i}]", item) for i, item in enumerate(obj)]
    return [("", obj)]


def show(value: Any) -> str:
    """A short rendering of a bad value for a one-line reason."""
    text = repr(value) if isinstance(value, str) else msgspec.json.encode(value).decode()
    return text if len(text) <= 60 else text[:57] + "..."


def present(obj: dict, key: str, within: str = "") -> Any:
    value = obj.get(key)
    if value is None:
        raise BadRecord(f"missing required field `{within}{key}`")
    return value


def as_int(value: Any, name: str) -> int:
    # Audit values are strings ("235323"), top-level ids are numbers: both are fine.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value):
        return int(value)
    raise BadRecord(f"expected integer `{name}`, got {show(value)}")


def as_str(value: Any, name: str) -> str:
    if isinstance(value, str):
        return value
    raise BadRecord(f"expected string `{name}`, got {show(value)}")


def as_time(value: Any, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadRecord(f"expected ISO 8601 time with offset `{name}`, got {show(value)}")
    return moment.astimezone(UTC)


def as_date(value: Any, name: str) -> date:
    try:
        return date.fromisoformat(as_str(value, name))
    except ValueError:
        raise BadRecord(f"expected ISO 8601 date `{name}`, got {show(value)}") from None


def as_tags(value: Any, name: str) -> tuple[str, ...]:
    """A tag list; older API versions send one space-separated string. Order kept, no repeats."""
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise BadRecord(f"expected list of strings `{name}`, got {show(value)}")
    return tuple(dict.fromkeys(value))


def as_bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    raise BadRecord(f"expected boolean `{name}`, got {show(value)}")


def maybe(convert: Callable[[Any, str], Any], value: Any, name: str) -> Any:
    """The converted value, or None when it is null or empty (Zendesk clears with either)."""
    return None if value is None or value == "" else convert(value, name)


def optional(convert: Callable[[Any, str], Any], obj: dict, key: str, within: str = "") -> Any:
    """The converted field, or None when absent, null or empty. `within` prefixes the
    field's name in reasons: "events[3]." names `events[3].value`."""
    return maybe(convert, obj.get(key), within + key)


def required(convert: Callable[[Any, str], Any], obj: dict, key: str, within: str = "") -> Any:
    return convert(present(obj, key, within), within + key)


def stamp(moment: datetime) -> str:
    """A UTC time as Zendesk writes it, for event ids: 2026-04-02T07:30:00Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
