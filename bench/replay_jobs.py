"""`deskstream replay --jobs 1` against `--jobs N`, as a user runs it (all exports), in pairs.

    python -m bench.generate --tickets 20000 --conversations 2000 --seed 3 --out /tmp/20k.ndjson
    python -m bench.replay_jobs /tmp/20k.ndjson --pairs 3

Each run is a fresh `deskstream replay LOG --out TMP --jobs J` process; the two of a pair
run one after the other, so a host whose load drifts slows both alike. For each run:
the wall time; the CPU time of the command until it forks, plus that of the busiest
process after (the command itself or a worker): the time the run would take on cores
of its own (a shared host's other work moves it less than the wall time); and the peak
memory of the process tree, the proportional set sizes (PSS) of its processes summed,
so pages the workers share with their parent count once.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLE_EVERY = 0.02  # seconds
TICKS = os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2, help="the jobs run against --jobs 1")
    args = parser.parse_args()
    command = Path(sys.executable).with_name("deskstream")
    for pair in range(1, args.pairs + 1):
        runs = {jobs: _run([str(command), "replay", str(args.log), "--jobs", str(jobs)]) for jobs in (1, args.jobs)}
        for jobs, (wall, cpu, peak) in runs.items():
            print(f"pair {pair} --jobs {jobs}: wall {wall:5.2f} s, cpu critical path {cpu:5.2f} s, "
                  f"peak PSS {peak / 1024:,.0f} MB", flush=True)
        (wall1, cpu1, _), (wall2, cpu2, _) = runs[1], runs[args.jobs]
        print(f"pair {pair} speed-up: wall {wall1 / wall2:.2f}x, cpu critical path {cpu1 / cpu2:.2f}x", flush=True)


def _run(command: list[str]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the command plus its busiest worker, peak PSS in kB)."""
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        process = subprocess.Popen([*command, "--out", out], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        cpu: dict[int, float] = {}
        before_fork = None  # the command's CPU seconds when its first worker is seen
        peak = 0
        while process.poll() is None:
            tree = [process.pid, *_children(process.pid)]
            peak = max(peak, sum(_pss(pid) for pid in tree))
            cpu.update((pid, seconds) for pid in tree if (seconds := _cpu(pid)) is not None)
            if before_fork is None and len(tree) > 1:
                before_fork = cpu.get(process.pid, 0.0)
            time.sleep(SAMPLE_EVERY)
        wall = time.perf_counter() - started
        if process.returncode:
            sys.exit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    command_cpu = cpu.get(process.pid, 0.0)
    if before_fork is None:
        return wall, command_cpu, peak
    # After the fork the command writes exports too, beside its workers.
    busiest = max(command_cpu - before_fork, *(seconds for pid, seconds in cpu.items() if pid != process.pid))
    return wall, before_fork + busiest, peak


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu(pid: int) -> float | None:
    """User and system CPU seconds of `pid` so far (its own, not its children's)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


if __name__ == "__main__":
    main()
