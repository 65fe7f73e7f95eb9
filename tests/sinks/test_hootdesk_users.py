"""The users export (spec §3.9), read back as CSV: presence clipped to the range, the
conversation figures of the range, utilisation."""
import pytest

from events import ConversationTopicAdded, CsatAnswered, CsatSent, MessageTagAdded
from sinks.hootdesk_columns import UnknownChannel
from tests.projections.conversations_story import ANA, BOB, created, inbound, locked, outbound, resolved, t, unlocked
from tests.projections.presence_story import THIRD_OF_MARCH, available, away, day_and_nights
from tests.sinks.hootdesk_read_back import export_rows

HEADERS = [
    "User ID", "User Name", "User Email", "User Reference", "Available Time (s)", "Away Time (s)",
    "Contacts Helped", "Avg. Handle Time (s)", "Handle Time (s)", "No-Reply Time (s)", "Cherry-Pick Time (s)",
    "Replies", "Resolves - With Reply", "Resolves - No Reply", "Tags Added", "Topics Added", "Utilization (%)",
    "CSAT With Score 1", "CSAT With Score 2", "CSAT With Score 3", "CSAT With Score 4", "CSAT With Score 5",
]
MARCH_2 = {"date_from": t("00:00:00"), "date_to": t("00:00:00", "03-03"), "as_of": t("12:00:00")}


def _figures(row: dict, *headers: str) -> tuple:
    return tuple(row[header] for header in headers)


def _answers_in_45_seconds(agent=ANA, conversation_id="conv-1", channel="acme.support"):
    """Noah writes at 09:00; the agent opens it at 09:10, replies at 09:10:30 and leaves at 09:10:45."""
    on = {"conversation_id": conversation_id, "channel": channel}
    return [created(t("09:00:00"), **on), inbound(t("09:00:00"), f"{conversation_id}-m1", **on),
            locked(t("09:10:00"), agent, conversation_id),
            outbound(t("09:10:30"), f"{conversation_id}-m2", agent, **on),
            unlocked(t("09:10:45"), agent, conversation_id)]


def test_users_available_and_away_time_are_clipped_to_the_range(tmp_path):
    # when: the whole of 3 March (Ana: away until 08:00, available until 12:00, lunch
    # until 13:00, available until 01:00 on the 4th)
    rows = export_rows("hootdesk-users", day_and_nights(), tmp_path, as_of=t("02:00:00", "03-04"),
                       **THIRD_OF_MARCH)
    # then: available 4 h + 11 h, away 8 h + 1 h
    assert list(rows[0]) == HEADERS
    assert [_figures(r, "User ID", "User Name", "User Reference", "Available Time (s)", "Away Time (s)")
            for r in rows] == [(ANA, "Ana Agent", "101", "54000", "32400")]


def test_utilization_is_handle_time_over_available_time_to_one_decimal(tmp_path):
    # given: Ana available 09:00-10:00, then away; 45 s of handle time
    events = [available(t("09:00:00")), away(t("10:00:00")), *_answers_in_45_seconds()]
    # when
    (row,) = export_rows("hootdesk-users", events, tmp_path, **MARCH_2)
    # then: 45 / 3600 x 100 = 1.25, half up to 1.3
    assert _figures(row, "Available Time (s)", "Away Time (s)", "Handle Time (s)", "Avg. Handle Time (s)",
                    "Utilization (%)") == ("3600", "7200", "45", "45", "1.3")


def test_utilization_is_empty_without_available_time(tmp_path):
    # given: Ana away all morning, yet she handles a conversation for 45 s
    events = [away(t("08:00:00"), state="Meeting"), *_answers_in_45_seconds()]
    # when
    (row,) = export_rows("hootdesk-users", events, tmp_path, **MARCH_2)
    # then
    assert _figures(row, "Available Time (s)", "Away Time (s)", "Handle Time (s)", "Utilization (%)") == (
        "0", "14400", "45", "")


def test_users_lists_only_agents_with_presence_in_the_range(tmp_path):
    # given: Bob handles a conversation on 2 March but has no presence; Ana went away on
    # 1 March at 18:00 and is available from 09:00 on the 2nd
    events = [*_answers_in_45_seconds(BOB), away(t("18:00:00", "03-01"), ANA), available(t("09:00:00"), ANA)]
    # when: 2 March, as of 12:00
    rows = export_rows("hootdesk-users", events, tmp_path, **MARCH_2)
    # then: Ana only, her night clipped to the range (00:00-09:00) and her morning (09:00-12:00)
    assert [_figures(r, "User ID", "Available Time (s)", "Away Time (s)", "Handle Time (s)") for r in rows] == [
        (ANA, "10800", "32400", "0")]


def test_users_steal_between_two_agents_is_counted_on_each(tmp_path):
    # given: both available from 09:00; Ana looks from 09:10, Bob takes the conversation at
    # 09:12, sets a topic, tags the contact's message, replies at 09:13 and resolves at 09:15;
    # Noah rates it 4 at 09:45
    base = {"conversation_id": "conv-1"}
    events = [
        available(t("09:00:00"), ANA), available(t("09:00:00"), BOB),
        created(t("09:00:00")), inbound(t("09:00:00"), "m1"),
        locked(t("09:10:00"), ANA), locked(t("09:12:00"), BOB),
        ConversationTopicAdded(event_id="topic", occurred_at=t("09:12:30"), topic_id="billing", topic_name="Billing",
                               agent_id=BOB, **base),
        MessageTagAdded(event_id="tag", occurred_at=t("09:12:40"), message_id="m1", tag_id="refund",
                        tag_name="Refund", agent_id=BOB, **base),
        outbound(t("09:13:00"), "m2", BOB), resolved(t("09:15:00"), BOB),
        CsatSent(event_id="survey", occurred_at=t("09:15:02"), **base),
        CsatAnswered(event_id="answer", occurred_at=t("09:45:00"), score=4, **base),
    ]
    # when: as of 10:00
    rows = export_rows("hootdesk-users", events, tmp_path, **{**MARCH_2, "as_of": t("10:00:00")})
    # then: Ana 2 minutes of cherry-pick; Bob 3 minutes with a reply, and the resolve, topic,
    # tag and CSAT; utilisation over an hour each
    assert [_figures(r, "User ID", "Handle Time (s)", "Avg. Handle Time (s)", "Cherry-Pick Time (s)",
                     "No-Reply Time (s)", "Replies", "Contacts Helped", "Resolves - With Reply",
                     "Resolves - No Reply", "Topics Added", "Tags Added", "CSAT With Score 4", "Utilization (%)")
            for r in rows] == [
        (ANA, "120", "120", "120", "0", "0", "0", "0", "0", "0", "0", "0", "3.3"),
        (BOB, "180", "180", "0", "0", "1", "1", "1", "0", "1", "1", "1", "5.0"),
    ]


def test_users_channel_filter_restricts_conversation_figures_not_presence(tmp_path):
    # given: Ana available 09:00-10:00 handles 45 s on acme.support and 45 s on acme_help
    events = [available(t("09:00:00")), away(t("10:00:00")), *_answers_in_45_seconds(),
              *_answers_in_45_seconds(ANA, "conv-2", "acme_help")]
    # when
    (row,) = export_rows("hootdesk-users", events, tmp_path, channels=("acme_help",), **MARCH_2)
    # then: one conversation counted; the whole available hour
    assert _figures(row, "Available Time (s)", "Handle Time (s)", "Replies", "Utilization (%)") == (
        "3600", "45", "1", "1.3")


def test_users_channel_filter_unknown_channel_is_a_one_line_error_and_writes_nothing(tmp_path):
    # given
    events = [available(t("09:00:00")), *_answers_in_45_seconds()]
    # when
    with pytest.raises(UnknownChannel) as raised:
        export_rows("hootdesk-users", events, tmp_path, channels=("acme-help",), **MARCH_2)
    # then
    assert str(raised.value) == ("unknown channel 'acme-help' in the channel filter of hootdesk-users; "
                                 "use one of: acme.support")
    assert list(tmp_path.iterdir()) == []
