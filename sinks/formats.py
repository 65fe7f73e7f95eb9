"""Formats turn rows (or nested records) into bytes and name their extension; they know no export."""
import csv
import io
from functools import lru_cache
from itertools import islice, starmap
from operator import itemgetter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta, tzinfo

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


_TWO_DIGITS = tuple(f"{n:02d}" for n in range(60))
_COLON_SECONDS = tuple(f":{n:02d}" for n in range(60))
_HOUR = timedelta(hours=1)
_LAST_SECOND = timedelta(seconds=3599)


class LocalTimes:
    """`local_time` in one zone, for the many times of an export: each UTC hour's local
    date, hour and offset are written once, then only minutes and seconds. An export's
    times fall in far fewer hours than it has cells (120 hours for 92,128 time cells in
    the 20,000-ticket bench log)."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        # By UTC hour (day, hour): see `_hour`.
        self.hours: dict[tuple[int, int], tuple[str, int, str, str] | None] = {}

    def __call__(self, at: datetime | None) -> str | None:
        # Event times are UTC to the second: the others are written the long way.
        if at is None or at.tzinfo is not UTC or at.microsecond:
            return local_time(at, self.zone)
        try:
            hour = self.hours[at.toordinal(), at.hour]
        except KeyError:
            hour = self.hours[at.toordinal(), at.hour] = self._hour(at.replace(minute=0, second=0))
        if hour is None:
            return local_time(at, self.zone)
        before, shift, after, offset = hour
        minute = at.minute + shift
        if minute < 60:
            return before + _TWO_DIGITS[minute] + _COLON_SECONDS[at.second] + offset
        return after + _TWO_DIGITS[minute - 60] + _COLON_SECONDS[at.second] + offset

    def _hour(self, start: datetime) -> tuple[str, int, str, str] | None:
        """The UTC hour from `start` in local text: the local date and hour it starts in,
        its local minute at the start (30 for an offset of +05:30), the local date and hour
        it ends in, and the offset. None when its times can't be written so: an offset with
        seconds (local mean time, before 1900), or one that changes within the hour."""
        local = start.astimezone(self.zone)
        offset = local.utcoffset()
        if offset.seconds % 60 or (start + _LAST_SECOND).astimezone(self.zone).utcoffset() != offset:
            return None
        text = local.isoformat()  # YYYY-MM-DDTHH:MM:00+HH:MM
        after = (local + _HOUR).isoformat()  # the offset holds all hour: wall-clock arithmetic is right
        return text[:14], local.minute, after[:14], text[19:]


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


def _guarded(cells: Iterable[object]) -> list[object]:
    """`cells` as protect_cell writes them, calling it only for those the csv module would
    write otherwise."""
    return [
        cell if type(cell) in _AS_IS or (type(cell) is str and cell[:1] not in _CHECKED_FIRST) else protect_cell(cell)
        for cell in cells
    ]


class CsvFormat:
    """RFC 4180 CSV in UTF-8, each cell a spreadsheet would run protected (`protect_cell`).

    `text_columns`, when given, names the only columns whose cells can hold text from the
    data, the only ones checked: the others must hold numbers, None, or text the export
    makes itself (a time, a name from its own table), which never reads as a formula.
    Checking a cell costs about as much as writing it."""

    extension = ".csv"

    def __init__(self, text_columns: Collection[str] | None = None) -> None:
        self.text_columns = text_columns

    def chunks(self, headers: Sequence[str], rows: Iterable[Iterable[object]]) -> Iterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(headers)
        indexes = None if self.text_columns is None else sorted(map(list(headers).index, self.text_columns))
        texts = None if indexes is None else _cells_at(indexes)
        for row in rows:
            if texts is None:
                cells = _guarded(row)
            else:
                cells = list(row)
                checked = texts(cells)
                guarded = _guarded(checked)
                if guarded != list(checked):  # rarely: a cell protected, put in its place
                    for index, cell in zip(indexes, guarded):
                        cells[index] = cell
            writer.writerow(cells)
            if buffer.tell() > 1 << 16:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode()


def _cells_at(indexes: list[int]) -> Callable[[list], tuple]:
    """The cells of a row at `indexes`, as a tuple, taken in C."""
    take = itemgetter(*indexes)
    return take if len(indexes) > 1 else lambda cells: (take(cells),)


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
