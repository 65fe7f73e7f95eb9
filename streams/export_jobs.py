"""Writing a replay's exports, in this process or in several at once.

The exports take most of a replay's time (a Zendesk XML export alone about half of it)
and each reads the folded state without changing it. So with `jobs` > 1, once the
state is folded, the process forks `jobs` - 1 workers and works too: the workers share
the state copy-on-write, no byte of it is sent to them, and each process writes whole
exports to the same files `jobs` = 1 would write. Only the names go to the workers,
and their results (path, rows, checksum) come back.
"""
import ctypes
import gc
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from events.commands import ExportRequest
from projections.state import ProjectionState
from sinks.export import ExportResult
from sinks.registry import write_exports
from streams.state_store import remove_temporary_databases

# Written, or why not (the reason its audit line and the command's error give).
Outcome = ExportResult | str

# The exports that cost most, costliest first (seconds for 20k tickets: 4.7, 1.8, 1.5,
# 0.7); the others take a tenth of a second or less. The workers take them from the
# front, this process from the back: the long ones start first, the short fill in.
COSTLIEST = ("zendesk-xml", "zendesk-csv", "zendesk-json", "ticket-metrics")
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
STOP_GRACE = 10.0  # seconds a worker process is given to stop on SIGTERM


def default_jobs() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0))


def written(state: ProjectionState, names: Sequence[str], request: ExportRequest, out: Path,
            jobs: int = 1) -> Iterator[tuple[str, Outcome]]:
    """Write the named exports; each one's outcome as it is known.

    After a failure no other export is started; those already being written are
    finished and told, each with its outcome. `request` carries the as-of time.
    """
    if jobs == 1 or len(names) < 2:
        yield from _one_by_one(state, names, request, out)
    else:
        yield from _in_parallel(state, names, request, out, min(jobs, len(names)))


def _one_by_one(state, names, request, out) -> Iterator[tuple[str, Outcome]]:
    for name in names:
        outcome = _write(state, name, request, out)
        yield name, outcome
        if isinstance(outcome, str):
            return


def _write(state: ProjectionState, name: str, request: ExportRequest, out: Path) -> Outcome:
    try:
        (result,) = write_exports(state, [name], request, out)
    except (OSError, ValueError) as exc:  # an everyday failure: no space left, a link in the way
        return str(exc)
    return result


def _in_parallel(state, names, request, out, jobs: int) -> Iterator[tuple[str, Outcome]]:
    """The exports shared between this process and `jobs` - 1 forked ones, each taking
    the next when it is free: the workers the costliest left, this process the cheapest
    left, so that it looks at what the workers have done often, and tells it.

    Working here too spares a copy of the state: a page of it that two processes write
    to (Python writes a reference count into each object it reads) is copied for one of
    them, so each worker process costs one copy of the pages it reads.
    """
    waiting = deque(_costliest_first(names))
    gc.freeze()  # a collector pass would write to every object's header, and so copy its page
    running: dict[Future, str] = {}
    with ProcessPoolExecutor(jobs - 1, multiprocessing.get_context("fork"), _adopt,
                             (os.getpid(), state, request, out)) as workers:

        def hand_out() -> None:
            while waiting and len(running) < jobs - 1:
                name = waiting.popleft()
                running[workers.submit(_write_adopted, name)] = name

        def done_by_workers(timeout: float | None) -> list[tuple[str, Outcome]]:
            finished, _ = wait(running, timeout, FIRST_COMPLETED)
            return [(running.pop(future), _outcome(future)) for future in finished]

        try:
            # Its workers forked and its thread started with no stop signal let in half-way:
            # one then leaves it in no state to stop.
            signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
            try:
                hand_out()
            finally:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
            while waiting or running:
                if waiting:
                    name = waiting.pop()
                    done = [(name, _write(state, name, request, out)), *done_by_workers(0)]
                else:
                    done = done_by_workers(None)
                for name, outcome in done:
                    yield name, outcome
                    if isinstance(outcome, str):
                        waiting.clear()  # as in a single process: no export started after a failure
                hand_out()
        except BaseException:  # stopped (Ctrl-C, SIGTERM, a failed audit line): so are the workers
            stopping = multiprocessing.active_children()
            for worker in stopping:
                worker.terminate()  # SIGTERM: each removes the temp file it was writing
            for worker in stopping:
                worker.join(STOP_GRACE)
                if worker.is_alive():  # rarely, an idle one misses its SIGTERM: never wait forever
                    worker.kill()  # a temp file it left is swept by the next export (sinks/destination.py)
                    worker.join()
            raise


def _outcome(future: Future) -> Outcome:
    try:
        return future.result()
    except BrokenProcessPool:
        return "its worker process stopped unexpectedly (out of memory?)"


def _costliest_first(names: Sequence[str]) -> list[str]:
    rank = {name: i for i, name in enumerate(COSTLIEST)}
    return sorted(names, key=lambda name: rank.get(name, len(COSTLIEST)))


_adopted: tuple = ()  # a worker process's (state, request, out), inherited at its fork


def _adopt(parent: int, *adopted) -> None:
    global _adopted
    _adopted = adopted
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # held while it was forked
    # Ended with this process however it ends, SIGKILL included: an orphan would wait
    # for work forever. SIGTERM, so that it removes the temp file it was writing.
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it ended before that was said
        os._exit(128 + signal.SIGTERM)


def _write_adopted(name: str) -> Outcome:
    state, request, out = _adopted
    try:
        return _write(state, name, request, out)
    except SystemExit as stop:  # SIGTERM (streams/cli.py): the temp file is removed by now
        remove_temporary_databases()  # an export's rows sorted on disk (streams/sorted_rows_store.py)
        os._exit(stop.code)  # else the worker would take it for the export's error, and go on
