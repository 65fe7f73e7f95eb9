"""The sensor the worker runs unless `deskstream worker --sensors` asks for Faust's Monitor.

Faust's Monitor counts and times every message, event, table access and send in Python
(for its /stats page, which deskstream does not serve). Faust itself reads one thing
from it: when each partition's stream last took an event, which its stall detector
("stream idle") compares with the partition's lag. This keeps that and nothing else.
"""
from time import monotonic

from faust.sensors import Monitor


class StallWatch(Monitor):
    """A Monitor that only keeps what Faust reads back: `stream_inbound_time`, and the
    offsets the consumer reports on each commit and fetch."""

    def on_message_in(self, tp, offset, message) -> None:
        pass

    def on_stream_event_in(self, tp, offset, stream, event) -> None:
        self.stream_inbound_time[tp] = monotonic()

    def on_stream_event_out(self, tp, offset, stream, event, state=None) -> None:
        pass

    def on_message_out(self, tp, offset, message) -> None:
        pass

    def on_table_get(self, table, key) -> None:
        pass

    def on_table_set(self, table, key, value) -> None:
        pass

    def on_table_del(self, table, key) -> None:
        pass

    def on_send_initiated(self, producer, topic, message, keysize, valsize) -> None:
        pass

    def on_send_completed(self, producer, state, metadata) -> None:
        pass

    def on_commit_completed(self, consumer, state) -> None:
        pass


def monitor_class(sensors: bool) -> str:
    """Faust's `Monitor` setting: its own when asked for, else the watch above."""
    return "faust.sensors:Monitor" if sensors else f"{__name__}:StallWatch"
