"""The Zendesk XML and JSON account exports next to their floors, in one run.

    python -m bench.generate --tickets 20000 --conversations 0 --seed 3 --format ndjson --out /tmp/20k.ndjson
    python -m bench.zendesk_exports /tmp/20k.ndjson

The log is folded once; then, alternated `--runs` times, each export is written as
`deskstream replay` writes it (a deflated zip) and so is its floor, the same bytes made
the cheapest way we know, into a deflated zip entry too:
- `zendesk-xml`: the document's lines, already escaped, joined;
- `zendesk-json`: the export's own objects, already built, encoded by msgspec.
Not a test: the figures depend on the machine. On a shared host, count instructions
instead, one action per process (`--only`), each a difference of two runs:

    valgrind --tool=callgrind --callgrind-out-file=/dev/null python -m bench.zendesk_exports LOG --only xml
    (minus --only xml-none: the same fold, and an export whose range selects nothing)
    (the floor: --only xml-floor minus --only xml-floor-none: the same lines, not written)
"""
import argparse
import io
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from events.commands import ExportRequest
from events.log import read_log
from projections.state import ProjectionState
from sinks.export import write_export
from sinks.registry import get_export
from streams.replay import ReplayStats, collector_paused, fold

NOTHING = datetime(1971, 1, 1, tzinfo=UTC)  # a range end before any event: an export of no record


def _request(state: ProjectionState, name: str, zone: str, select: bool) -> ExportRequest:
    return ExportRequest(export=name, as_of=state.last_event_at(), time_zone=zone,
                         date_to=None if select else NOTHING)


def _export(state: ProjectionState, name: str, zone: str, select: bool = True, keep: Path | None = None) -> int:
    """The export written as replay writes it; its records. `keep`: where to copy its document."""
    with tempfile.TemporaryDirectory() as out:
        result = write_export(get_export(name), state, _request(state, name, zone, select), Path(out))
        if keep is not None:
            with zipfile.ZipFile(result.path) as archive:
                keep.write_bytes(archive.read(archive.namelist()[0]))
    return result.rows


def _zipped(chunks: Iterable[bytes]) -> None:
    """Chunks deflated into a zip entry in memory, as the export's package writes them."""
    info = zipfile.ZipInfo("floor")
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(io.BytesIO(), "w") as archive:
        with archive.open(info, "w", force_zip64=True) as entry:
            for chunk in chunks:
                entry.write(chunk)


def xml_lines(document: Path) -> list[str]:
    """The XML document's lines, as pre-escaped strings."""
    return document.read_text().splitlines(keepends=True)


def xml_floor(lines: list[str]) -> None:
    """The XML lines joined 4,096 at a time and zipped."""
    _zipped("".join(lines[start:start + 4096]).encode() for start in range(0, len(lines), 4096))


def json_objects(state: ProjectionState, zone: str) -> list[object]:
    """The JSON export's records, built."""
    return list(get_export("zendesk-json").records(state, _request(state, "zendesk-json", zone, True)))


def json_floor(records: list[object]) -> None:
    """The JSON records encoded by msgspec 64 to a call, as the export's format does, and zipped."""
    encoder = get_export("zendesk-json").format._encoder
    _zipped(encoder.encode_lines(records[start:start + 64]) for start in range(0, len(records), 64))


def _seconds(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path)
    parser.add_argument("--timezone", default="UTC", help="the request's time zone (the XML's times)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("xml", "xml-none", "xml-floor", "xml-floor-none",
                                           "json", "json-none", "json-floor", "json-floor-none"),
                        help="one action, for an instruction count")
    args = parser.parse_args()
    with collector_paused(), tempfile.TemporaryDirectory() as kept:  # as `deskstream replay` runs
        state = fold(read_log(args.log, lambda error: None), None, ReplayStats())
        zone, document = args.timezone, Path(kept) / "document"
        if args.only:
            kind, _, rest = args.only.partition("-")
            name = f"zendesk-{kind}"
            if rest.startswith("floor") and kind == "xml":
                _export(state, name, zone, keep=document)
                lines = xml_lines(document)
                if rest == "floor":
                    xml_floor(lines)
            elif rest.startswith("floor"):
                records = json_objects(state, zone)
                if rest == "floor":
                    json_floor(records)
            else:
                _export(state, name, zone, select=rest != "none")
            return
        counts = {"zendesk-xml": _export(state, "zendesk-xml", zone, keep=document),
                  "zendesk-json": _export(state, "zendesk-json", zone)}
        lines, records = xml_lines(document), json_objects(state, zone)
        floors = {"zendesk-xml": lambda: xml_floor(lines), "zendesk-json": lambda: json_floor(records)}
        for run in range(1, args.runs + 1):
            for name, count in counts.items():
                export = _seconds(lambda: _export(state, name, zone))
                floor = _seconds(floors[name])
                print(f"run {run}: {name:12} {count:,} records: export {export:.2f} s, floor {floor:.2f} s, "
                      f"ratio {export / floor:.2f}", flush=True)


if __name__ == "__main__":
    main()
