"""The state dump a worker writes on SIGUSR2 (streams.diagnostics): what a person reads
when a worker stalls. (Written by a real worker on a timed-out wait: tests/integration.)"""
import asyncio

from streams.diagnostics import END, _chain, _runs, dump


def test_runs_of_offsets_show_a_hole_and_a_duplicate():
    # given acknowledged offsets with 15 missing and 22 twice
    offsets = [13, 14, 16, 17, 22, 22, 23]
    # when written as runs
    text = _runs(offsets)
    # then the hole and the duplicate can be read off
    assert text == "13-14, 16-17, 22, 22-23"


def test_await_chain_goes_on_into_an_async_generator():
    # given a task whose coroutine waits in an async generator, itself waiting on an event
    async def scenario() -> list[str]:
        waiting = asyncio.Event()

        async def batches():
            await waiting.wait()
            yield 1

        async def agent():
            async for _ in batches():
                pass

        task = asyncio.ensure_future(agent())
        await asyncio.sleep(0)
        # when its chain is followed
        found = _chain(task.get_coro())
        waiting.set()
        await task
        return found

    found = asyncio.run(scenario())
    # then the chain names the agent, the generator's own frame is reached through the
    # asend object, and what it waits on
    assert found[0].startswith("agent (test_diagnostics.py:")
    assert found[-1] == "async_generator_asend"


def test_dump_of_an_unstarted_worker_says_what_it_could_not_read_and_goes_on(worker):
    # given a worker built but not started: no consumer yet
    # when its state is dumped
    text = dump(worker.runtime.app)
    # then the part it could not read says why in one line, the others follow, and the
    # end marker (which the test harness waits for) closes it
    lines = text.splitlines()
    assert [line for line in lines if line.startswith("-- ")] == ["-- faust", "-- aiokafka", "-- buffers", "-- tasks"]
    assert lines[2] == "  (failed: ConsumerNotStarted('Consumer thread not yet started'))"
    assert "  producer buffer: 0" in lines
    assert lines[-1] == END
