"""A worker's state, written to its log on SIGUSR2: why it consumes nothing, when it doesn't.

A worker that stalls logs nothing, and mode's own dump (SIGUSR1) stops at the first
async generator, which is where every agent waits. This one follows each task's await
chain through coroutines and async generators, and adds what decides whether the input
reaches the agents: Faust's consumer (assignment, active, paused and buffered partitions,
flow), the recovery, the aiokafka consumer in its thread (paused partitions, positions,
prefetched records), the agents' stream buffers and the producer's buffer. It reads
Faust and aiokafka internals (pinned: faust-streaming 0.15.3, aiokafka 0.14), which is
acceptable for a dump read by a person, never by code.
"""
import asyncio
import gc
import logging
import signal
import types

log = logging.getLogger(__name__)
END = "deskstream state dump end"


def install(app) -> None:
    """Dump on SIGUSR2 (a Faust task, so that it runs in the worker's loop)."""

    @app.task
    async def listen() -> None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGUSR2, lambda: log.warning("%s", dump(app)))


def dump(app) -> str:
    lines = ["deskstream state dump"]
    for title, part in (("faust", _faust), ("aiokafka", _aiokafka), ("buffers", _buffers), ("tasks", _tasks)):
        lines.append(f"-- {title}")
        try:
            lines += part(app)
        except Exception as exc:  # a dump half-written still tells more than none
            lines.append(f"  (failed: {exc!r})")
    lines.append(END)
    return "\n".join(lines)


def _tps(tps) -> str:
    return ", ".join(sorted(f"{tp.topic.rsplit('.', 1)[-1]}:{tp.partition}" for tp in tps or ())) or "-"


def _faust(app) -> list[str]:
    consumer, recovery = app.consumer, app.tables.recovery
    fetcher = app._fetcher
    return [
        f"  generation {app.consumer_generation_id}, rebalancing {app.rebalancing}, in_recovery {app.in_recovery}, "
        f"flow_control active {app.flow_control.is_active()}",
        f"  assignment: {_tps(consumer.assignment())}",
        f"  active: {_tps(consumer._active_partitions)}",
        f"  paused: {_tps(consumer._paused_partitions)}",
        f"  buffered: {_tps(consumer._buffered_partitions)}",
        f"  flow_active {consumer.flow_active}, can_resume_flow {consumer.can_resume_flow.is_set()}, "
        f"suspend_flow {consumer.suspend_flow.is_set()}, unacked {len(consumer._unacked_messages)}, "
        f"commit in flight {consumer._commit_fut is not None}",
        f"  read offsets: {_offsets(consumer._read_offset)}",
        f"  committed: {_offsets(consumer._committed_offset)}",
        f"  acked: { {str(tp): _runs(a) for tp, a in consumer._acked.items() if a} }",
        f"  unacked: {sorted((m.tp.topic.rsplit('.', 1)[-1], m.tp.partition, m.offset) for m in consumer._unacked_messages)[:20]}",
        f"  highwaters: {_offsets({tp: consumer.highwater(tp) for tp in consumer.assignment()})}",
        f"  gaps: { {str(tp): sorted((i.begin, i.end) for i in g) for tp, g in consumer._gap.items() if g} }",
        f"  fetcher: state {fetcher.state}, started {fetcher._started.is_set()}, stopped {fetcher._stopped.is_set()}",
        f"  recovery: in_recovery {recovery.in_recovery}, completed {recovery.completed.is_set()}, "
        f"start signal {recovery.signal_recovery_start.is_set()}, end signal {recovery.signal_recovery_end.is_set()}",
        f"  recovery actives: {_tps(recovery.active_tps)}; standbys: {_tps(recovery.standby_tps)}",
        f"  recovery offsets/highwaters: { {str(tp): (recovery.active_offsets.get(tp), hw) for tp, hw in recovery.active_highwaters.items()} }",
    ]


def _runs(numbers) -> str:
    """Offsets in runs, in their list's order: "80, 80-109"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _offsets(offsets) -> str:
    return ", ".join(f"{tp.topic.rsplit('.', 1)[-1]}:{tp.partition}={o}" for tp, o in sorted(offsets.items())) or "-"


def _aiokafka(app) -> list[str]:
    thread = app.consumer._thread
    client = thread._consumer
    if client is None:
        return ["  (not started)"]
    assignment = client._subscription.subscription.assignment if client._subscription.subscription else None
    lines = [f"  paused: {_tps(client.paused())}"]
    if assignment is not None:
        positions = {}
        for tp in assignment._topic_partitions:
            state = assignment.state_value(tp)
            positions[tp] = state.position if state.has_valid_position else f"?{state._status}"
        lines.append(f"  positions: {_offsets(positions)}")
    records = client._fetcher._records
    lines.append(f"  prefetched: { {str(tp): type(r).__name__ for tp, r in records.items()} }")
    lines.append(f"  fetch task done: {client._fetcher._fetch_task.done()}")
    lines += [f"  thread task: {line}" for line in _task_lines(asyncio.all_tasks(thread.thread_loop))]
    return lines


def _buffers(app) -> list[str]:
    lines = [f"  producer buffer: {app.producer.buffer.size}"]
    for agent in app.agents.values():
        for actor in agent._actors:
            queue = actor.stream.channel.queue
            lines.append(f"  agent {agent.name}: {queue.qsize()} queued")
    return lines


def _tasks(app) -> list[str]:
    lines = _task_lines(asyncio.all_tasks(app.loop))
    for agen in [o for o in gc.get_objects() if isinstance(o, types.AsyncGeneratorType) and o.ag_frame]:
        lines.append(f"  async generator {' <- '.join(_chain(agen))}")
    return lines


def _task_lines(tasks) -> list[str]:
    return [f"  {task.get_name()}: {' <- '.join(_chain(task.get_coro()))}" for task in tasks]


def _chain(awaitable, depth: int = 30) -> list[str]:
    """Where `awaitable` stands, then what it awaits, down to the bottom."""
    found = []
    while awaitable is not None and len(found) < depth:
        frame = getattr(awaitable, "cr_frame", None) or getattr(awaitable, "ag_frame", None) \
            or getattr(awaitable, "gi_frame", None)
        if frame is None:
            found.append(type(awaitable).__name__)
            break
        found.append(f"{frame.f_code.co_name} ({frame.f_code.co_filename.rsplit('/', 2)[-1]}:{frame.f_lineno})")
        awaitable = getattr(awaitable, "cr_await", None) or getattr(awaitable, "ag_await", None) \
            or getattr(awaitable, "gi_yieldfrom", None)
    return found
