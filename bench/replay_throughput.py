"""Replay throughput: events/s of the embedded path (decode, fold, export) on one core.

    python -m bench.generate --tickets 100000 --conversations 0 --seed 3 --format ndjson --out /tmp/100k.ndjson
    python -m bench.replay_throughput /tmp/100k.ndjson

Prints the time of each stage (read, decode and fold go together, as in the command)
and the events/s of the whole replay. Not a test: the figure depends on the machine
(the issue's target is >= 100k events/s). On a shared host whose speed drifts, use
`--runs N`: each run is a fresh process, and the best and median are printed.
"""
import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from events.log import read_log
from sinks.registry import EXPORTS, write_exports
from events.commands import ExportRequest
from streams.replay import ReplayStats, collector_paused, fold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path)
    parser.add_argument("--runs", type=int, default=1, help="replays, each in a fresh process")
    args = parser.parse_args()
    if args.runs > 1:
        return _runs(args.log, args.runs)

    errors = []
    stats = ReplayStats()
    with collector_paused(), tempfile.TemporaryDirectory() as out:  # as `deskstream replay` runs
        started = time.perf_counter()
        # Events are folded as they are read, not listed first.
        state = fold(read_log(args.log, errors.append), None, stats)
        state.tickets  # events are grouped by ticket as they come, and folded here
        folded = time.perf_counter()
        results = write_exports(state, sorted(EXPORTS), ExportRequest(export=""), Path(out))
        exported = time.perf_counter()

    count = stats.applied
    total = exported - started
    print(f"{count:,} events, {len(state.tickets):,} tickets, {len(errors)} errors")
    print(f"read+fold   {folded - started:6.2f} s  ({count / (folded - started):,.0f} events/s)")
    print(f"export      {exported - folded:6.2f} s  ({', '.join(f'{r.export}: {r.rows:,} rows' for r in results)})")
    print(f"replay      {total:6.2f} s  ({count / total:,.0f} events/s)")



def _runs(log: Path, runs: int) -> None:
    rates = []
    for run in range(1, runs + 1):
        out = subprocess.run([sys.executable, "-m", "bench.replay_throughput", str(log)],
                             capture_output=True, text=True, check=True).stdout
        line = out.splitlines()[-1]
        print(f"run {run}: {line}", flush=True)
        rates.append(int(re.search(r"\(([\d,]+) events/s\)", line).group(1).replace(",", "")))
    print(f"best {max(rates):,} events/s, median {statistics.median(rates):,.0f} events/s over {runs} runs")


if __name__ == "__main__":
    main()
