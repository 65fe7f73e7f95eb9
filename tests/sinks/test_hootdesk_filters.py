"""The filters every Hootdesk export takes: channels, a range read in the time zone (across
a DST change), and the same rows whatever the order of the events."""
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from events.codec import encode_json
from events.commands import ExportRequest
from events.log import read_log
from projections.state import ProjectionState
from sinks.export import write_export
from sinks.hootdesk_columns import UnknownChannel
from sinks.registry import EXPORTS, get_export
from streams.cli import main
from tests.projections.conversations_story import created, inbound, outbound, resolved, t
from tests.sinks.hootdesk_read_back import column, export_rows, state_of
from tests.sinks.read_back import export_bytes

EVERY_HOOTDESK_EXPORT = sorted(name for name in EXPORTS if name.startswith("hootdesk-"))
# Lines (header included) at least, where the example log has many rows.
MIN_LINES = {"hootdesk-messages": 5, "hootdesk-open": 5, "hootdesk-resolved": 5, "hootdesk-response-times": 5,
             "hootdesk-presence": 6, "hootdesk-users": 6}
EXAMPLE_LOG = Path(__file__).parents[2] / "examples" / "events.ndjson"


def _two_channels():
    """conv-1 on acme.support, conv-2 on acme_help (X), each a message answered and resolved."""
    events = []
    for conversation_id, channel, medium in (("conv-1", "acme.support", "Facebook"), ("conv-2", "acme_help", "X")):
        on = {"conversation_id": conversation_id, "channel": channel, "medium": medium}
        events += [created(t("09:00:00"), **on), inbound(t("09:00:00"), f"{conversation_id}-in", **on),
                   outbound(t("09:01:00"), f"{conversation_id}-out", **on),
                   resolved(t("09:02:00"), "agent-ana", conversation_id=conversation_id)]
    return events


@pytest.mark.parametrize("export, header", [
    ("hootdesk-resolved", "Conversation ID"), ("hootdesk-messages", "Message ID"),
    ("hootdesk-response-times", "Outbound Message ID"),
])
def test_channel_filter_keeps_rows_of_the_channels_asked(tmp_path, export, header):
    # when
    rows = export_rows(export, _two_channels(), tmp_path, channels=("acme_help",))
    # then
    assert column(rows, header) == {"hootdesk-resolved": ["conv-2"], "hootdesk-messages": ["conv-2-in", "conv-2-out"],
                                    "hootdesk-response-times": ["conv-2-out"]}[export]


def test_channel_filter_unknown_channel_is_a_one_line_error_and_writes_nothing(tmp_path):
    # given
    request = ExportRequest(export="hootdesk-open", channels=("acme.support", "acme-help"))
    # when
    with pytest.raises(UnknownChannel) as raised:
        write_export(get_export("hootdesk-open"), state_of(_two_channels()), request, tmp_path)
    # then
    assert str(raised.value) == ("unknown channel 'acme-help' in the channel filter of hootdesk-open; "
                                 "use one of: acme.support, acme_help")
    assert list(tmp_path.iterdir()) == []


def test_range_across_dst_change_is_read_and_written_in_the_time_zone(tmp_path):
    # given: Paris goes from UTC+1 to UTC+2 at 02:00 on Sunday 29 March 2026, a 23-hour day;
    # messages just before, at, and just after that day's local bounds
    clocks = [("03-28", "22:59:59"), ("03-28", "23:00:00"), ("03-29", "21:59:59"), ("03-29", "22:00:00")]
    events = [created(t("22:00:00", "03-28"))] + [inbound(t(clock, day), f"{day} {clock}") for day, clock in clocks]
    log = tmp_path / "events.ndjson"
    log.write_bytes(b"".join(encode_json(event) + b"\n" for event in events))
    # when: the whole of 29 March, Paris time
    result = CliRunner().invoke(main, [
        "replay", str(log), "--export", "hootdesk-messages", "--timezone", "Europe/Paris",
        "--from", "2026-03-29", "--to", "2026-03-29", "--out", str(tmp_path / "out")])
    # then: from local midnight (+01:00) to the next local midnight (+02:00)
    assert result.exit_code == 0, result.output
    rows = (tmp_path / "out" / "hootdesk_messages.csv").read_text().splitlines()[1:]
    assert [row.split(",")[1] for row in rows] == ["2026-03-29T00:00:00+01:00", "2026-03-29T23:59:59+02:00"]


@pytest.fixture(scope="module")
def in_order_and_shuffled() -> tuple[ProjectionState, ProjectionState]:
    """The example log folded in order, and shuffled with a tenth of its events twice."""
    events = list(read_log(EXAMPLE_LOG, on_error=pytest.fail))
    rng = random.Random(12)
    mixed = events + rng.sample(events, len(events) // 10)
    rng.shuffle(mixed)
    in_order, shuffled = ProjectionState(), ProjectionState()
    in_order.fold(events)
    shuffled.fold(mixed)
    return in_order, shuffled


@pytest.mark.parametrize("name", EVERY_HOOTDESK_EXPORT)
@pytest.mark.parametrize("options", [{}, {"date_from": t("00:00:00", "03-03"), "date_to": t("00:00:00", "03-05"),
                                          "channels": ("nimbus.home", "nimbus-whatsapp-fr")}],
                         ids=["everything", "two-days-two-channels"])
def test_exports_give_the_same_rows_for_shuffled_and_duplicated_events(tmp_path, in_order_and_shuffled, name, options):
    # given: the example log in order, and shuffled with a tenth of its events twice
    in_order, shuffled = in_order_and_shuffled
    request = ExportRequest(export=name, time_zone="Europe/Paris", as_of=in_order.last_event_at(), **options)
    # when
    expected = export_bytes(write_export(get_export(name), in_order, request, tmp_path / "in_order"))
    got = export_bytes(write_export(get_export(name), shuffled, request, tmp_path / "shuffled"))
    # then
    assert got == expected
    if not options:  # the example log has rows for every export: the comparison is not vacuous
        assert expected.count(b"\r\n") > MIN_LINES.get(name, 1)


@pytest.mark.parametrize("name", EVERY_HOOTDESK_EXPORT)
def test_hootdesk_exports_are_plain_csv_for_anyone(name):
    # when
    export = get_export(name)
    # then: not packaged nor for administrators only, which are Zendesk account rules
    assert (export.format.extension, getattr(export, "packaged", False), getattr(export, "admins_only", False)) == (
        ".csv", False, False)
