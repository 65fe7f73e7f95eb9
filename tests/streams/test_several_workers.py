"""What lets several workers share one consumer group: reference data every worker holds
whole, and standby replicas. (On the real broker: tests/integration/test_several_workers.py.)"""
from types import SimpleNamespace

from events import codec
from events.downstream import TICKET_METRICS
from projections import directory
from streams.app import Runtime
from streams.processing import encode_state
from streams.settings import Settings
from tests.projections.tickets_story import ANA, at, comment, created, people, schedule, status


def test_reference_tables_are_held_whole_by_every_worker(worker):
    runtime = worker.runtime
    assert (runtime.directory.is_global, runtime.people.is_global) == (True, True)
    assert (runtime.tickets.is_global, runtime.conversations.is_global, runtime.presence.is_global) == (False,) * 3


async def test_reference_data_another_worker_folded_counts_from_the_ticket_next_change(worker):
    # given a ticket replied to by Ana, folded before her user record reached this worker
    async with worker.agents["tickets"].test_context() as agent:
        for event in [created(at("03-02 09:00")), comment(at("03-02 10:30"), ANA)]:
            await agent.put(codec.encode_avro(event), key=event.key.encode())
        # when the account's users and schedule, folded by another worker, come back
        # through the directory table's changelog
        for event in [*people(), schedule()]:
            fragment = encode_state(directory.apply(directory.initial(), event))
            await worker.runtime.directory.on_changelog_event(SimpleNamespace(key=event.key, value=fragment))
        # and the ticket changes again
        solved = status(at("03-02 11:00"), "solved")
        await agent.put(codec.encode_avro(solved), key=solved.key.encode())
    # then the metrics published before counted no reply (Ana was unknown here); those
    # published at the next change count hers, as replay does
    published = [TICKET_METRICS.decode(c.kwargs["value"]) for c in worker.runtime.ticket_metrics_topic.send_soon.call_args_list]
    assert [m.replies for m in published] == [0, 0, 1]
    assert published[-1].reply_time.calendar == 90


def test_standby_replicas_setting_reaches_the_faust_app(tmp_path):
    # given
    env = {"DESKSTREAM_STANDBY_REPLICAS": "2", "DESKSTREAM_STORE": "memory://", "DESKSTREAM_DATA_DIR": str(tmp_path)}
    # when
    runtime = Runtime(Settings.from_env(env))
    # then
    assert runtime.app.conf.table_standby_replicas == 2


def test_standby_replicas_default_to_one_as_in_faust(tmp_path):
    runtime = Runtime(Settings(store="memory://", data_dir=tmp_path))
    assert runtime.app.conf.table_standby_replicas == 1


async def test_reference_records_read_before_the_first_ticket_count_though_the_store_lags(worker):
    # given the users and schedule another worker folded, read from the changelog before
    # this worker folded anything (Faust's store applies them later, by a thousand)
    for event in [*people(), schedule()]:
        fragment = encode_state(directory.apply(directory.initial(), event))
        await worker.runtime.directory.on_changelog_event(SimpleNamespace(key=event.key, value=fragment))
    assert list(worker.runtime.directory.keys()) == []
    # when a ticket Ana replies to comes
    async with worker.agents["tickets"].test_context() as agent:
        for event in [created(at("03-02 09:00")), comment(at("03-02 10:30"), ANA)]:
            await agent.put(codec.encode_avro(event), key=event.key.encode())
    # then her reply counts
    published = [TICKET_METRICS.decode(c.kwargs["value"]) for c in worker.runtime.ticket_metrics_topic.send_soon.call_args_list]
    assert [m.replies for m in published] == [0, 1]
