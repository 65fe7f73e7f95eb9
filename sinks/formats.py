"""Formats turn rows (or nested records) into bytes and name their extension; they know no export."""
import csv
import io
from functools import lru_cache
from itertools import islice, starmap
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, tzinfo

import msgspec

# A cell starting with one of these is run as a formula by spreadsheet programs, which
# also skip leading spaces and read the full-width signs of East Asian input as ASCII.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def local_time(at: datetime | None, zone: tzinfo) -> str | None:
    """A time as the CSV and XML exports write it: ISO 8601 with the zone's offset, to the
    second; empty for no time."""
    if at is None:
        return None
    local = at.astimezone(zone)
    # Most times have no microseconds: then isoformat writes seconds, and faster without
    # being told (this runs for most cells of the time columns).
    return local.isoformat(timespec="seconds") if local.microsecond else local.isoformat()


def protect_cell(value: object) -> str:
    """The CSV text of a value, with a leading quote on anything a spreadsheet would run.

    Negative numbers stay numbers: only text is protected.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    return "'" + text if text.lstrip(" ").startswith(FORMULA_PREFIXES) else text


# Cells the csv module writes as protect_cell would, left to it: no call per cell. So is
# text that starts with none of the prefixes nor a space (which may hide one).
_AS_IS = frozenset({int, float, type(None)})
_CHECKED_FIRST = frozenset((*FORMULA_PREFIXES, " "))


class CsvFormat:
    extension = ".csv"

    def chunks(self, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(headers)
        for row in rows:
            writer.writerow([
                cell if cell.__class__ in _AS_IS or (cell.__class__ is str and cell[:1] not in _CHECKED_FIRST)
                else protect_cell(cell)
                for cell in row
            ])
            if buffer.tell() > 1 << 16:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode()


class NdjsonFormat:
    extension = ".ndjson"
    _encoder = msgspec.json.Encoder()  # keys in column order
    batch = 1024  # rows encoded in one call

    def chunks(self, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
        objects = starmap(_object_type(tuple(headers)), rows)
        while batch := list(islice(objects, self.batch)):
            yield self._encoder.encode_lines(batch)

    def record_chunks(self, records: Iterable[object]) -> Iterator[bytes]:
        """One JSON line per record (a Struct, a dict, ...), a few records at a time: a
        nested record such as a ticket with its comments can be large."""
        records = iter(records)
        while batch := list(islice(records, 64)):
            yield self._encoder.encode_lines(batch)


@lru_cache(maxsize=64)
def _object_type(headers: tuple[str, ...]) -> type[msgspec.Struct]:
    """A Struct whose fields encode as `headers` (unique: they are the keys), in order.

    Built from a row's values in C, it encodes as the row's JSON object; a dict per row
    would cost more than the encoding itself."""
    fields = [f"column_{i}" for i in range(len(headers))]
    return msgspec.defstruct("Row", fields, rename=dict(zip(fields, headers)), gc=False)
