"""The Zendesk CSV export read from a ticket store, next to Python's csv module writing the
same rows from a list (the floor), in one run.

    python -m bench.generate --tickets 100000 --conversations 0 --seed 3 --format ndjson --out /tmp/100k.ndjson
    python -m bench.csv_export /tmp/100k.ndjson

The log is folded and its tickets put in a RocksDB store (rocksdict, as the worker keeps
them: one value per ticket, its encoded state with the metrics computed when it was
stored). Then a fresh process opens the store and writes the `zendesk-csv` export from
it, as the worker does for a snapshot, and prints its time and peak RSS; then it lists
the same rows (the export's cells) and times `csv.writer.writerows` writing them, into
memory and into a deflated zip entry as the export delivers them: the floors (the issue's
target is against the second: the export is a zip). `--sizes` repeats the export over the
first N tickets of the store, to show whether peak RSS grows with the number of tickets.
Not a test: the figures depend on the machine.
"""
import argparse
import csv
import io
import subprocess
import sys
import tempfile
import time
import zipfile
from itertools import islice
from pathlib import Path

from rocksdict import Rdict

from events.commands import ExportRequest
from events.log import read_log
from projections import metrics_memo
from projections.state import ProjectionState
from sinks.export import write_export
from sinks.registry import get_export
from streams.processing import (
    StoredTicket,
    decode_fragment,
    decode_ticket,
    decode_ticket_metrics,
    decode_ticket_summary,
    encode_state,
)
from streams.replay import ReplayStats, collector_paused, fold
from streams.snapshots import LastRead, Stored

EXPORT = "zendesk-csv"


def build_store(log: Path, store: Path) -> int:
    """Fold `log` and keep its tickets and directory in `store`; the number of tickets."""
    with collector_paused():
        state = fold(read_log(log, lambda error: None), None, ReplayStats())
        tickets, account = Rdict(str(store / "tickets")), state.account
        for ticket_id, ticket in state.tickets.items():
            tickets[str(ticket_id)] = encode_state(StoredTicket(ticket, metrics_memo.stamp(ticket, account)))
        tickets.flush()  # to table files: else the reader replays the write-ahead log into memory
        tickets.close()
    directory = Rdict(str(store / "directory"))
    for key, part in state.directory_parts.items():
        directory[key] = encode_state(part)
    directory.close()
    return len(state.tickets)


class FirstTickets(Stored):
    """Tickets `ids` of the store, each decoded by `decode`."""

    def __init__(self, table, ids: list[int], decode) -> None:
        super().__init__(table, decode, int)
        self.ids = ids

    def __iter__(self):
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


def stored_state(tickets: LastRead, parts: dict, limit: int) -> ProjectionState:
    """The first `limit` tickets of the store by id, read as a worker's snapshot reads its
    table (streams.snapshots.snapshot_state)."""
    ids = sorted(islice((int(key) for key in tickets.keys()), limit))
    return ProjectionState(tickets=FirstTickets(tickets, ids, decode_ticket), directory_parts=parts,
                           ticket_metrics=Stored(tickets, decode_ticket_metrics, int),
                           ticket_summaries=FirstTickets(tickets, ids, decode_ticket_summary))


def peak_rss_mb() -> float:
    """This process's peak resident memory. Not getrusage's ru_maxrss: Linux carries into it
    the memory of the parent this process was forked from (the one that built the store)."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def measure(store: Path, limit: int) -> None:
    """In this (fresh) process: the export of the store's first `limit` tickets, then the floor."""
    tickets, directory = LastRead(Rdict(str(store / "tickets"))), Rdict(str(store / "directory"))
    parts = {key: decode_fragment(value) for key, value in directory.items()}
    state = stored_state(tickets, parts, limit)
    export = get_export(EXPORT)
    request = ExportRequest(export=EXPORT, as_of=state.last_event_at())
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        result = write_export(export, state, request, Path(out))
        seconds = time.perf_counter() - started
    peak_mb = peak_rss_mb()
    # The floors: the same cells, already computed, written by the csv module, into
    # memory, and into the kind of file the export delivers (a deflated zip entry).
    rows = [list(cells) for cells in export.rows(state, request)]
    floor = timed(lambda: csv_text(export.headers, rows))
    with tempfile.TemporaryDirectory() as out:
        zipped = timed(lambda: zipped_csv(export.headers, rows, Path(out) / "floor.zip"))
    print(f"{result.rows:>8,} tickets  export {seconds:6.2f} s  peak RSS {peak_mb:6.0f} MB  "
          f"floors: csv.writer {floor:5.2f} s (ratio {seconds / floor:4.1f}x), "
          f"csv.writer into a zip {zipped:5.2f} s (ratio {seconds / zipped:4.1f}x)")


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def csv_text(headers: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def zipped_csv(headers: list[str], rows: list[list], path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export.csv", csv_text(headers, rows).encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path, nargs="?", help="event log to fold into the store")
    parser.add_argument("--store", type=Path, help="keep the store here (default: a temporary folder)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[], help="also export the first N tickets")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.measure is not None:
        return measure(args.store, args.measure)
    with tempfile.TemporaryDirectory() as temporary:
        store = args.store or Path(temporary)
        count = build_store(args.log, store)
        for limit in [*sorted(args.sizes), count]:
            subprocess.run([sys.executable, "-m", "bench.csv_export", "--store", str(store),
                            "--measure", str(limit)], check=True)


if __name__ == "__main__":
    main()
