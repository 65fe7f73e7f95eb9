"""The Zendesk CSV export read from a ticket store, next to Python's csv module writing the
same rows from a list (the floor), in one run.

    python -m bench.generate --tickets 100000 --conversations 0 --seed 3 --format ndjson --out /tmp/100k.ndjson
    python -m bench.csv_export /tmp/100k.ndjson

The log is folded and its tickets put in a RocksDB store (rocksdict, as the worker keeps
them, one encoded state per ticket). Then a fresh process opens the store and writes the
`zendesk-csv` export from it, as the worker does for a snapshot, and prints its time and
peak RSS; then it lists the same rows (the export's column values) and times
`csv.writer.writerows` writing them: the floor. `--sizes` repeats the export over the first
N tickets of the store, to show whether peak RSS grows with the number of tickets. Not a
test: the figures depend on the machine.
"""
import argparse
import csv
import io
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

from rocksdict import Rdict

from events.commands import ExportRequest
from events.log import read_log
from projections.state import ProjectionState
from sinks.export import write_export
from sinks.registry import get_export
from streams.processing import decode_fragment, decode_ticket, encode_state
from streams.replay import ReplayStats, collector_paused, fold
from streams.snapshots import Stored

EXPORT = "zendesk-csv"


def build_store(log: Path, store: Path) -> int:
    """Fold `log` and keep its tickets and directory in `store`; the number of tickets."""
    with collector_paused():
        state = fold(read_log(log, lambda error: None), None, ReplayStats())
        tickets = Rdict(str(store / "tickets"))
        for ticket_id, ticket in state.tickets.items():
            tickets[str(ticket_id)] = encode_state(ticket)
        tickets.flush()  # to table files: else the reader replays the write-ahead log into memory
        tickets.close()
    directory = Rdict(str(store / "directory"))
    for key, part in state.directory_parts.items():
        directory[key] = encode_state(part)
    directory.close()
    return len(state.tickets)


class FirstTickets(Stored):
    """The store's first `limit` tickets by id."""

    def __init__(self, table, limit: int) -> None:
        super().__init__(table, decode_ticket, int)
        self.ids = sorted(islice((int(key) for key in table.keys()), limit))

    def __iter__(self):
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


def peak_rss_mb() -> float:
    """This process's peak resident memory. Not getrusage's ru_maxrss: Linux carries into it
    the memory of the parent this process was forked from (the one that built the store)."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def measure(store: Path, limit: int) -> None:
    """In this (fresh) process: the export of the store's first `limit` tickets, then the floor."""
    tickets, directory = Rdict(str(store / "tickets")), Rdict(str(store / "directory"))
    parts = {key: decode_fragment(value) for key, value in directory.items()}
    state = ProjectionState(tickets=FirstTickets(tickets, limit), directory_parts=parts)
    export = get_export(EXPORT)
    request = ExportRequest(export=EXPORT, as_of=state.last_event_at())
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        result = write_export(export, state, request, Path(out))
        seconds = time.perf_counter() - started
    peak_mb = peak_rss_mb()
    # The floor: the same cells, already computed, written by the csv module.
    headers = [header for header, _ in export.columns]
    rows = [[getter(row) for _, getter in export.columns] for row in export.rows(state, request)]
    buffer = io.StringIO()
    started = time.perf_counter()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    floor = time.perf_counter() - started
    print(f"{result.rows:>8,} tickets  export {seconds:6.2f} s  peak RSS {peak_mb:6.0f} MB  "
          f"csv.writer floor {floor:5.2f} s  ratio {seconds / floor:4.1f}x")


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
