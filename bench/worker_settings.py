"""Worker settings against each other, alternated on one broker and one log: CPU per event of each.

    python -m bench.worker_settings --rounds 4 batch_size=500 batch_size=2000
    python -m bench.worker_settings producer_linger=0.02 producer_linger=0.005,batch_wait=0.2
    git archive HEAD | tar -x -C /tmp/old && python -m bench.worker_settings tree=/tmp/old ''

Each argument is one candidate: `field=value` pairs of `streams.settings.Settings`,
`FAUST_NAME=value` for a Faust setting deskstream leaves at Faust's default
(DESKSTREAM_FAUST_NAME), or `tree=PATH` for the worker run from another source tree
(its PYTHONPATH), comma-separated (none: the defaults). Starts a test broker,
produces the log of `bench.worker_throughput` once, and runs a fresh worker group per
candidate per round, in turn, the order reversed every other round, with a no-op Faust
agent between rounds: a host whose speed drifts moves every candidate alike. Prints each
run and the means. Not a test.
"""
import argparse
import os
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import msgspec

from bench.generate import generate
from bench.worker_throughput import noop_rate, worker_rate
from events.log import write_log
from streams.settings import ENV_PREFIX, Settings, SettingsError
from tests import kafka_broker
from tests.integration.worker_harness import deskstream, isolated_settings


def candidate(text: str) -> tuple[dict, dict[str, str], str | None]:
    """`batch_size=2000,FAUST_STREAM_BUFFER_MAXSIZE=16384,tree=/tmp/old` as (Settings fields,
    parsed as their variables are; Faust's settings, as WorkerProcess.faust takes them;
    the source tree)."""
    values = dict(pair.partition("=")[::2] for pair in filter(None, text.split(",")))
    tree = values.pop("tree", None)
    if tree is not None and not (Path(tree) / "streams" / "worker.py").is_file():
        raise SystemExit(f"tree={tree}: not a deskstream source tree (no streams/worker.py in it)")
    faust = {name.removeprefix("FAUST_"): value for name, value in values.items() if name.startswith("FAUST_")}
    ours = {name: value for name, value in values.items() if not name.startswith("FAUST_")}
    for name in ours:
        if name not in Settings.__struct_fields__:
            raise SystemExit(f"{name!r} is not a setting; expected FAUST_NAME or one of "
                             f"{', '.join(Settings.__struct_fields__)}")
    try:
        parsed = Settings.from_env({ENV_PREFIX + name.upper(): value for name, value in ours.items()})
    except SettingsError as exc:
        raise SystemExit(str(exc)) from None
    return {name: getattr(parsed, name) for name in ours}, faust, tree


@contextmanager
def source_tree(tree: str | None) -> Iterator[None]:
    """Workers started within run from `tree` (first on their PYTHONPATH), if given."""
    if tree is None:
        yield
        return
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(Path(tree).resolve())
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidates", nargs="+", help="field=value[,field=value...]; an empty string: the defaults")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tickets", type=int, default=3000)
    parser.add_argument("--conversations", type=int, default=600)
    args = parser.parse_args()
    candidates = [(text or "defaults", candidate(text)) for text in args.candidates]

    broker = kafka_broker.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            folder = Path(folder)
            settings = isolated_settings(broker.broker_url, folder, partitions=4)
            log = folder / "events.ndjson"
            total = write_log(log, generate(args.tickets, args.conversations, seed=5))
            deskstream(settings, "produce", str(log), timeout=1800)
            runs: dict[str, list[float]] = {name: [] for name, _ in candidates}
            noop = []
            for turn in range(args.rounds):
                noop.append(noop_rate(settings, total).cpu_us)
                for name, (fields, faust, tree) in candidates if turn % 2 == 0 else reversed(candidates):
                    with source_tree(tree):
                        rate = worker_rate(msgspec.structs.replace(settings, **fields), folder, faust)
                    runs[name].append(rate.cpu_us)
                    print(f"round {turn + 1} {name}: {rate}", flush=True)
            noop.append(noop_rate(settings, total).cpu_us)
            print(f"no-op agent µs per event: {' / '.join(f'{us:.0f}' for us in noop)}")
            for name, cpu in runs.items():
                print(f"{name}: {' / '.join(f'{us:.0f}' for us in cpu)} µs per event, mean {statistics.mean(cpu):.0f}")
    finally:
        broker.stop()


if __name__ == "__main__":
    main()
