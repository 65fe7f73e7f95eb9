import asyncio

import faust
import uvloop
from faust.sensors import Monitor
from faust.types import TP

from streams.faust_config import app_options, use_event_loop
from streams.sensors import StallWatch
from streams.settings import Settings


def app(settings: Settings) -> faust.App:
    return faust.App("config-test", **app_options(settings))


def test_sensors_off_by_default_the_app_runs_the_stall_watch():
    # given the default settings, from no variable
    settings = Settings.from_env({})
    # then
    assert type(app(settings).monitor) is StallWatch


def test_sensors_asked_for_the_app_runs_fausts_monitor():
    # given DESKSTREAM_SENSORS, as `deskstream worker --sensors` sets it
    settings = Settings.from_env({"DESKSTREAM_SENSORS": "true"})
    # then
    assert type(app(settings).monitor) is Monitor


def test_stall_watch_keeps_when_a_partition_last_took_an_event_and_counts_nothing():
    # given the sensor of a default app
    watch = app(Settings()).monitor
    tp = TP("deskstream.tickets", 2)
    # when a message comes in, and a stream takes its event
    watch.on_message_in(tp, 41, message=None)
    watch.on_stream_event_in(tp, 41, stream=None, event=None)
    # then Faust's stall warnings have the time they read, and no per-message count was kept
    assert tp in watch.stream_inbound_time
    assert (watch.messages_received_total, watch.events_total) == (0, 0)


def test_event_loop_setting_uvloop_makes_asyncio_create_uvloops_loop():
    # given
    default = asyncio.get_event_loop_policy()
    try:
        # when
        use_event_loop(Settings(event_loop="uvloop"))
        loop = asyncio.new_event_loop()
        # then
        assert isinstance(loop, uvloop.Loop)
        loop.close()
    finally:
        asyncio.set_event_loop_policy(default)


def test_event_loop_setting_asyncio_keeps_pythons_loop():
    # given
    default = asyncio.get_event_loop_policy()
    try:
        # when
        use_event_loop(Settings(event_loop="asyncio"))
        loop = asyncio.new_event_loop()
        # then
        assert not isinstance(loop, uvloop.Loop)
        loop.close()
    finally:
        asyncio.set_event_loop_policy(default)
