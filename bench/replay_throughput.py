"""Replay throughput: `deskstream replay` as a user runs it, next to a bare msgspec decode
loop over the same file (issue 16's yardstick), in one run.

    python -m bench.generate --tickets 100000 --conversations 0 --seed 3 --format ndjson --out /tmp/100k.ndjson
    python -m bench.replay_throughput /tmp/100k.ndjson

Prints, for the same log:
- the bare decode: `msgspec.json.Decoder().decode` of each line, nothing kept;
- `deskstream replay LOG --out TMP`, every export with the defaults (`--jobs` = the
  cores), in a fresh process, wall time;
- the replay's events/s as a share of the decode's (the target is >= 0.3);
- with `--stages`, the same replay in this process on one core, stage by stage (read,
  decode and fold go together, as in the command; then each export).
Not a test: the figures depend on the machine. On a shared host whose speed drifts, use
`--runs N`: the pair (decode, replay) is measured N times, and each ratio printed.
"""
import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import msgspec

from events.commands import ExportRequest
from events.log import read_log
from sinks.registry import EXPORTS, write_exports
from streams.replay import ReplayStats, collector_paused, fold


def bare_decode(log: Path) -> tuple[int, float]:
    """Lines decoded, and the seconds it took."""
    decode = msgspec.json.Decoder().decode
    count = 0
    started = time.perf_counter()
    with log.open("rb") as lines:
        for line in lines:
            decode(line)
            count += 1
    return count, time.perf_counter() - started


def command_replay(log: Path) -> tuple[int, float]:
    """Events read by `deskstream replay LOG` with the defaults, and its wall time."""
    # What the `deskstream` script runs, from the tree this bench runs from.
    deskstream = [sys.executable, "-c", "from streams.cli import main; main()"]
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        done = subprocess.run([*deskstream, "replay", str(log), "--out", out], capture_output=True, text=True,
                              check=True)
        seconds = time.perf_counter() - started
    read = re.search(r"summary: ([\d,]+) events read", done.stderr)
    return int(read.group(1).replace(",", "")), seconds


def stages(log: Path) -> None:
    """The replay in this process, one export after the other: where the time goes."""
    errors = []
    stats = ReplayStats()
    with collector_paused(), tempfile.TemporaryDirectory() as out:  # as `deskstream replay` runs
        started = time.perf_counter()
        state = fold(read_log(log, errors.append), None, stats)
        folded = time.perf_counter()
        request = ExportRequest(export="", as_of=state.last_event_at())
        times = []
        for name in sorted(EXPORTS):
            begun = time.perf_counter()
            (result,) = write_exports(state, [name], request, Path(out))
            times.append((result, time.perf_counter() - begun))
        exported = time.perf_counter()
    count = stats.applied
    print(f"  one core: {count:,} events, {len(errors)} errors; read+fold {folded - started:.2f} s "
          f"({count / (folded - started):,.0f} events/s), exports {exported - folded:.2f} s, "
          f"replay {exported - started:.2f} s ({count / (exported - started):,.0f} events/s)")
    for result, seconds in sorted(times, key=lambda item: -item[1]):
        print(f"    {result.export:28} {seconds:6.2f} s  {result.rows:>9,} rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path)
    parser.add_argument("--runs", type=int, default=1, help="times the decode and the replay are measured")
    parser.add_argument("--stages", action="store_true", help="also time each stage in this process")
    args = parser.parse_args()
    for run in range(1, args.runs + 1):
        lines, decoding = bare_decode(args.log)
        events, replaying = command_replay(args.log)
        print(f"run {run}: bare decode {lines / decoding:,.0f} lines/s ({decoding:.2f} s); "
              f"deskstream replay {events / replaying:,.0f} events/s ({replaying:.2f} s); "
              f"ratio {events / replaying / (lines / decoding):.3f}", flush=True)
    if args.stages:
        stages(args.log)


if __name__ == "__main__":
    main()
