"""The messages and response-times exports (spec §3.3, §3.10), read back as CSV."""
from events import MessageTagAdded, MessageTagRemoved
from tests.projections.conversations_story import (
    ANA, BOB, HOOT, created, handover, inbound, outbound, resolved, t,
)
from tests.sinks.hootdesk_read_back import column, export_rows

MESSAGE_HEADERS = [
    "Message ID", "Created At", "Conversation ID", "Medium", "Channel", "Channel Display Name", "Contact Profile ID",
    "Contact Primary Identifier", "Contact Secondary Identifier", "Message Type", "Origin", "Outbound Message Type",
    "Direction", "Agent ID", "Agent Name", "Agent Reference", "Team ID", "Team Name", "Tag ID", "Tag Names",
    "Content", "Conversation URL", "Post URL", "Last Updated", "Deleted At",
]
RESPONSE_HEADERS = [
    "Conversation ID", "Medium", "Sender Channel", "Sender Channel Full Name", "Contact Profile ID", "Started By",
    "Handover Reason", "From", "To", "Agent Response Time (s)", "Responding Agent ID", "Responding Agent Name",
    "Responding Agent Reference", "Inbound Message ID", "Outbound Message ID", "Conversation URL",
]


def _tag(when, tag_id, added=True, message_id="m1"):
    base = {"event_id": f"tag-{tag_id}-{added}", "occurred_at": when, "conversation_id": "conv-1",
            "message_id": message_id, "tag_id": tag_id, "agent_id": ANA}
    return MessageTagAdded(**base, tag_name=tag_id.title()) if added else MessageTagRemoved(**base)


def test_messages_rows_for_inbound_and_outbound_messages(tmp_path):
    # given: Noah writes at 09:00, tagged Urgent then Refund (Complaint taken off); Ana answers at 09:05
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1", post_url="https://fb.example/p/1"),
              _tag(t("09:01:00"), "urgent"), _tag(t("09:01:10"), "complaint"),
              _tag(t("09:01:20"), "complaint", added=False), _tag(t("09:01:30"), "refund"),
              outbound(t("09:05:00"), "m2", ANA, content="On it!")]
    # when
    rows = export_rows("hootdesk-messages", events, tmp_path, time_zone="Europe/Paris")
    # then
    assert list(rows[0]) == MESSAGE_HEADERS
    shared = ["conv-1", "Facebook", "acme.support", "Acme Support", "contact-1", "Noah Martin", "'+33 6 00 00 00 01",
              "message"]
    assert [list(row.values()) for row in rows] == [
        ["m1", "2026-03-02T10:00:00+01:00", *shared, "Facebook", "", "Inbound", "", "", "", "", "",
         "urgent; refund", "Urgent; Refund", "", "https://hootdesk.example/c/conv-1", "https://fb.example/p/1",
         "2026-03-02T10:01:30+01:00", ""],
        ["m2", "2026-03-02T10:05:00+01:00", *shared, "hootdesk", "Agent", "Outbound", ANA, "Ana Agent", "101",
         "care", "Customer care", "", "", "", "https://hootdesk.example/c/conv-1", "", "2026-03-02T10:05:00+01:00",
         ""],
    ]


def test_messages_content_only_for_twitter_and_protected_against_formulas(tmp_path):
    # given: the same text on X (Twitter) and on Facebook
    events = [created(t("09:00:00")), created(t("09:00:00"), "conv-x", channel="acme_help", medium="X"),
              inbound(t("09:00:00"), "fb1", content="=HYPERLINK(1)"),
              inbound(t("09:00:01"), "x1", "conv-x", channel="acme_help", medium="X", content="=HYPERLINK(1)")]
    # when
    rows = export_rows("hootdesk-messages", events, tmp_path)
    # then
    assert [(row["Message ID"], row["Content"]) for row in rows] == [("fb1", ""), ("x1", "'=HYPERLINK(1)")]


def test_messages_range_start_inclusive_end_exclusive(tmp_path):
    # given: messages at 08:59:59, 09:00 (the start), 09:59:59 and 10:00 (the end)
    events = [created(t("08:00:00"))] + [inbound(t(clock), f"at-{clock}")
                                         for clock in ("08:59:59", "09:00:00", "09:59:59", "10:00:00")]
    # when
    rows = export_rows("hootdesk-messages", events, tmp_path, date_from=t("09:00:00"), date_to=t("10:00:00"))
    # then
    assert column(rows, "Message ID") == ["at-09:00:00", "at-09:59:59"]


def test_response_times_rows_from_contact_message_and_from_handover(tmp_path):
    # given: conv-1, Noah writes, Ana answers 5 min later; conv-2, the virtual agent hands over, Bob answers
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), outbound(t("09:05:00"), "m2", ANA),
              created(t("09:00:00"), "conv-2"), inbound(t("09:00:00"), "n1", "conv-2"),
              outbound(t("09:00:04"), "n2", HOOT, "virtual_agent", "conv-2"), inbound(t("09:00:40"), "n3", "conv-2"),
              handover(t("09:00:45"), "Asked for a human", "conv-2"),
              outbound(t("09:10:45"), "n4", BOB, "agent", "conv-2")]
    # when
    rows = export_rows("hootdesk-response-times", events, tmp_path, time_zone="Europe/Paris")
    # then
    assert list(rows[0]) == RESPONSE_HEADERS
    shared = ["Facebook", "acme.support", "Acme Support", "contact-1"]
    assert [list(row.values()) for row in rows] == [
        ["conv-1", *shared, "INBOUND_MESSAGE", "", "2026-03-02T10:00:00+01:00", "2026-03-02T10:05:00+01:00", "300",
         ANA, "Ana Agent", "101", "m1", "m2", "https://hootdesk.example/c/conv-1"],
        ["conv-2", *shared, "VA_HANDED_OVER_CONVERSATION", "Asked for a human", "2026-03-02T10:00:45+01:00",
         "2026-03-02T10:10:45+01:00", "600", BOB, "Bob Agent", "102", "n3", "n4", "https://hootdesk.example/c/conv-2"],
    ]


def test_response_times_selected_by_outbound_creation_in_range(tmp_path):
    # given: a message at 08:00 answered at 09:00 (the start), another answered at 10:00 (the end)
    events = [created(t("08:00:00")), inbound(t("08:00:00"), "m1"), outbound(t("09:00:00"), "m2"),
              inbound(t("09:30:00"), "m3"), outbound(t("10:00:00"), "m4")]
    # when
    rows = export_rows("hootdesk-response-times", events, tmp_path, date_from=t("09:00:00"), date_to=t("10:00:00"))
    # then: the wait started before the range; the response is in it
    assert [(r["Outbound Message ID"], r["Agent Response Time (s)"]) for r in rows] == [("m2", "3600")]


def test_response_times_inbound_after_resolved_is_answered_as_a_new_response(tmp_path):
    # given: resolved at 09:10; Noah writes again at 10:00 and Ana answers at 10:02
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), outbound(t("09:05:00"), "m2"),
              resolved(t("09:10:00"), ANA), inbound(t("10:00:00"), "m3"), outbound(t("10:02:00"), "m4")]
    # when
    rows = export_rows("hootdesk-response-times", events, tmp_path)
    # then
    assert [(r["Inbound Message ID"], r["Outbound Message ID"], r["Agent Response Time (s)"]) for r in rows] == [
        ("m1", "m2", "300"), ("m3", "m4", "120")]
