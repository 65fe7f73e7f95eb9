"""Replay memory: peak RSS and events/s of a replay into the ticket or Hootdesk exports.

    python -m bench.generate --tickets 1000000 --conversations 0 --seed 3 --out /tmp/1m.ndjson
    python -m bench.replay_memory /tmp/100k.ndjson /tmp/1m.ndjson
    python -m bench.generate --tickets 0 --conversations 1000000 --seed 3 --out /tmp/1mc.ndjson
    python -m bench.replay_memory --conversations /tmp/1mc.ndjson

Each log is replayed in a fresh process, as `deskstream replay --export ticket-metrics
--export zendesk-csv` replays it in one process (`--jobs 1`): read, fold, then write the
exports; with `--conversations`, the twelve Hootdesk exports instead. It prints the events/s of the fold (read and decode included) and of the whole
replay, whether states went to disk, and the peak RSS of that process (VmHWM: not
getrusage, which counts the parent's). `--waiting`, `--kept`, `--rows` and `--references` set the memory
budget (streams.replay.MemoryBudget), to compare budgets. Not a test: the figures depend on the
machine.
"""
import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from events.commands import ExportRequest
from events.log import read_log
from sinks.registry import EXPORTS as REGISTERED
from sinks.registry import write_exports
from streams.replay import MemoryBudget, ReplayStats, collector_paused, fold

EXPORTS = ("ticket-metrics", "zendesk-csv")
CONVERSATION_EXPORTS = tuple(name for name in REGISTERED if name.startswith("hootdesk-"))


def peak_rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def measure(log: Path, budget: MemoryBudget, exports: tuple[str, ...]) -> None:
    """In this (fresh) process: replay `log` into the exports and print the figures."""
    stats = ReplayStats()
    with collector_paused(), tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        state = fold(read_log(log, lambda error: None), None, stats, budget)
        folded = time.perf_counter()
        results = write_exports(state, exports, ExportRequest(export=""), Path(out))
        exported = time.perf_counter()
    kept = state.conversations if exports is CONVERSATION_EXPORTS else state.tickets
    entities = "conversations" if exports is CONVERSATION_EXPORTS else "tickets"
    spilled = "on disk" if kept.on_disk else "in memory"
    print(f"{log.name}: {stats.read:,} events, {state.live[entities[:-1]]:,} {entities} ({spilled})  "
          f"read+fold {stats.read / (folded - started):,.0f} events/s  "
          f"replay {stats.read / (exported - started):,.0f} events/s ({exported - started:.1f} s)  "
          f"peak RSS {peak_rss_mb():,.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("logs", type=Path, nargs="+")
    defaults = MemoryBudget()
    parser.add_argument("--waiting", type=int, default=defaults.waiting_events,
                        help="events read and not folded yet, at most")
    parser.add_argument("--kept", type=int, default=defaults.kept_states, help="states kept in memory")
    parser.add_argument("--rows", type=int, default=defaults.kept_rows, help="rows of an export sorted in memory")
    parser.add_argument("--references", type=int, default=defaults.kept_references,
                        help="contacts and reference events kept in memory")
    parser.add_argument("--conversations", action="store_true", help="write the Hootdesk exports")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.measure:
        exports = CONVERSATION_EXPORTS if args.conversations else EXPORTS
        return measure(args.logs[0], MemoryBudget(args.waiting, args.kept, args.rows, args.references), exports)
    for log in args.logs:
        subprocess.run([sys.executable, "-m", "bench.replay_memory", str(log), "--measure",
                        "--waiting", str(args.waiting), "--kept", str(args.kept), "--rows", str(args.rows),
                        "--references", str(args.references),
                        *(["--conversations"] if args.conversations else [])], check=True)


if __name__ == "__main__":
    main()
