"""The resolved and open conversation exports (spec §3.1, §3.2), read back as CSV."""
import pytest

from events import ConversationTopicAdded, CsatAnswered, CsatSent
from tests.projections.conversations_story import (
    ANA, BOB, created, inbound, locked, outbound, resolved, status, t,
)
from tests.sinks.hootdesk_read_back import column, export_rows

RESOLVED_HEADERS = [
    "Conversation ID", "Medium", "Channel", "Channel Display Name", "Contact Profile ID",
    "Contact Primary Identifier", "Contact Secondary Identifier", "Created At", "Last Status Change Agent ID",
    "Last Status Change Agent Name", "Last Status Change Agent Reference", "Last Status Change Team ID",
    "Last Status Change Team Name", "Current Status", "Resolved By", "Resolution Reason", "Resolve Comment",
    "Resolve Trigger", "Resolved At", "Resolving Agent ID", "Resolving Agent Name", "Resolving Agent Reference",
    "Inbound Message Count", "Outbound Message Count", "First Response Time (s)", "Handle Time (s)",
    "No-Reply Time (s)", "Cherry-Pick Time (s)", "Resolution Time (s)", "Topic IDs", "Topic Names",
    "Conversation URL", "Last Updated", "Language", "CSAT Score", "CSAT Completion Status",
    "CSAT Follow-up Question", "CSAT Follow-up Answer",
]
NOT_IN_OPEN = {"Resolution Reason", "Resolve Comment", "Resolve Trigger", "CSAT Score", "CSAT Completion Status",
               "CSAT Follow-up Question", "CSAT Follow-up Answer"}
PARIS = "Europe/Paris"  # UTC+1 in early March


def _stolen_and_resolved(conversation_id="conv-1"):
    """Noah writes at 09:00; Ana looks from 09:10, Bob takes it at 09:12, sets a topic,
    replies at 09:13 and resolves at 09:15; Noah answers the survey at 09:45."""
    base = {"conversation_id": conversation_id}
    return [
        created(t("09:00:00"), conversation_id), inbound(t("09:00:00"), "m1", conversation_id),
        locked(t("09:10:00"), ANA, conversation_id), locked(t("09:12:00"), BOB, conversation_id),
        ConversationTopicAdded(event_id=f"{conversation_id}-topic", occurred_at=t("09:12:30"), topic_id="billing",
                               topic_name="Billing", agent_id=BOB, **base),
        outbound(t("09:13:00"), "m2", BOB, conversation_id=conversation_id),
        resolved(t("09:15:00"), BOB, conversation_id=conversation_id, reason="Issue fixed", comment="Refunded."),
        CsatSent(event_id=f"{conversation_id}-survey", occurred_at=t("09:15:02"),
                 follow_up_question="What could we do better?", **base),
        CsatAnswered(event_id=f"{conversation_id}-answer", occurred_at=t("09:45:00"), score=4,
                     follow_up_answer="Faster answers.", **base),
    ]


def test_resolved_conversation_row_gives_every_column_at_the_snapshot(tmp_path):
    # when
    (row,) = export_rows("hootdesk-resolved", _stolen_and_resolved(), tmp_path, time_zone=PARIS)
    # then
    assert list(row) == RESOLVED_HEADERS
    assert row == dict(zip(RESOLVED_HEADERS, [
        "conv-1", "Facebook", "acme.support", "Acme Support", "contact-1", "Noah Martin", "'+33 6 00 00 00 01",
        "2026-03-02T10:00:00+01:00", BOB, "Bob Agent", "102", "sales", "Sales", "Resolved", "Agent",
        "Issue fixed", "Refunded.", "Human agent", "2026-03-02T10:15:00+01:00", BOB, "Bob Agent", "102",
        "1", "1", "780", "300", "0", "120", "900", "billing", "Billing", "https://hootdesk.example/c/conv-1",
        "2026-03-02T10:45:00+01:00", "fr", "4", "Answered", "What could we do better?", "Faster answers.",
    ]))


@pytest.mark.parametrize("trigger, agent, resolved_by, resolve_trigger, resolving_agent", [
    ("bulk", ANA, "Bulk resolve", "Human agent", ANA),
    ("auto_resolve", None, "System", "Automatic resolution", ""),
    ("virtual_agent", "va-hoot", "Virtual agent", "Virtual agent", "va-hoot"),
])
def test_resolved_by_and_trigger_name_who_resolved(tmp_path, trigger, agent, resolved_by, resolve_trigger,
                                                   resolving_agent):
    # given
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), status(t("09:05:00"), "Pending", ANA),
              resolved(t("09:05:00", "03-03"), agent, trigger=trigger)]
    # when
    (row,) = export_rows("hootdesk-resolved", events, tmp_path)
    # then
    assert (row["Resolved By"], row["Resolve Trigger"], row["Resolving Agent ID"], row["Resolved At"]) == (
        resolved_by, resolve_trigger, resolving_agent, "2026-03-03T09:05:00+00:00")
    assert row["Resolution Time (s)"] == "86700"  # a day and five minutes after the first message


def test_resolved_selects_first_resolution_in_range_start_inclusive_end_exclusive(tmp_path):
    # given: conversations first resolved at 09:00 (the start), 09:59:59 and 10:00 (the end);
    # conv-d was first resolved before the range and again inside it
    events = []
    for conversation_id, when in (("conv-a", "09:00:00"), ("conv-b", "09:59:59"), ("conv-c", "10:00:00")):
        events += [created(t("08:00:00"), conversation_id), resolved(t(when), ANA, conversation_id=conversation_id)]
    events += [created(t("08:00:00"), "conv-d"), resolved(t("08:30:00"), ANA, conversation_id="conv-d"),
               status(t("08:40:00"), "New", conversation_id="conv-d"),
               resolved(t("09:30:00"), ANA, conversation_id="conv-d")]
    # when
    rows = export_rows("hootdesk-resolved", events, tmp_path, date_from=t("09:00:00"), date_to=t("10:00:00"))
    # then
    assert column(rows, "Conversation ID") == ["conv-a", "conv-b"]


def test_resolved_reopened_and_not_resolved_again_has_current_status_and_empty_resolution(tmp_path):
    # given: resolved at 09:10, reopened at 10:00 by the contact's new message
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), outbound(t("09:05:00"), "m2"),
              resolved(t("09:10:00"), ANA, reason="Issue fixed"), inbound(t("10:00:00"), "m3"),
              status(t("10:00:00"), "New")]
    # when
    (row,) = export_rows("hootdesk-resolved", events, tmp_path)
    # then
    assert row["Current Status"] == "New"
    assert [row[h] for h in ("Resolved By", "Resolution Reason", "Resolved At", "Resolving Agent ID",
                             "Resolution Time (s)")] == ["", "", "", "", ""]
    assert row["Inbound Message Count"] == "2"


def test_open_lists_new_and_pending_at_the_snapshot_whatever_the_range(tmp_path):
    # given: conv-a New, conv-b Pending, conv-c Resolved, conv-d resolved then reopened
    events = [created(t("08:00:00"), c) for c in ("conv-a", "conv-b", "conv-c", "conv-d")]
    events += [status(t("08:10:00"), "Pending", BOB, "conv-b"), resolved(t("08:20:00"), ANA, conversation_id="conv-c"),
               resolved(t("08:30:00"), ANA, conversation_id="conv-d"), status(t("08:40:00"), "New", None, "conv-d")]
    # when: a range in which nothing happened
    rows = export_rows("hootdesk-open", events, tmp_path,
                       date_from=t("00:00:00", "03-09"), date_to=t("00:00:00", "03-10"))
    # then
    assert list(rows[0]) == [h for h in RESOLVED_HEADERS if h not in NOT_IN_OPEN]
    assert [(r["Conversation ID"], r["Current Status"], r["Last Status Change Agent Name"], r["Resolved At"])
            for r in rows] == [("conv-a", "New", "", ""), ("conv-b", "Pending", "Bob Agent", ""),
                               ("conv-d", "New", "Ana Agent", "")]


def test_open_lists_the_conversations_new_or_pending_at_the_as_of_time(tmp_path):
    # given: conv-a resolved at 10:00, conv-b created at 11:00, conv-c pending since 08:00
    events = [created(t("08:00:00"), "conv-a"), resolved(t("10:00:00"), ANA, conversation_id="conv-a"),
              created(t("11:00:00"), "conv-b"), created(t("07:00:00"), "conv-c"),
              status(t("08:00:00"), "Pending", BOB, "conv-c")]
    # when: the snapshot is taken as of 09:00 (a worker's tables hold the later events too)
    rows = export_rows("hootdesk-open", events, tmp_path, as_of=t("09:00:00"))
    # then: conv-a was still New then, conv-b did not exist yet
    assert column(rows, "Conversation ID") == ["conv-a", "conv-c"]


def test_open_shows_lock_times_of_closed_locks_only(tmp_path):
    # given: Ana looked for 30 s until Bob took it; Bob still has it open
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), locked(t("09:01:00"), ANA),
              locked(t("09:01:30"), BOB)]
    # when
    (row,) = export_rows("hootdesk-open", events, tmp_path)
    # then
    assert (row["Handle Time (s)"], row["No-Reply Time (s)"], row["Cherry-Pick Time (s)"]) == ("30", "0", "30")
    assert row["First Response Time (s)"] == ""


def test_csat_completion_status_is_not_answered_until_the_latest_survey_is_answered(tmp_path):
    # given: a survey sent at 09:16 and never answered
    events = [created(t("09:00:00")), resolved(t("09:15:00"), ANA),
              CsatSent(event_id="survey", occurred_at=t("09:16:00"), conversation_id="conv-1")]
    # when
    (row,) = export_rows("hootdesk-resolved", events, tmp_path)
    # then
    assert [row[h] for h in ("CSAT Score", "CSAT Completion Status", "CSAT Follow-up Question")] == [
        "", "Not answered", ""]


def test_conversation_without_its_creation_in_the_log_is_left_out(tmp_path):
    # given: conv-2's ConversationCreated is not in the log
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1", "conv-2"),
              status(t("09:01:00"), "Pending", ANA, "conv-2")]
    # when
    rows = export_rows("hootdesk-open", events, tmp_path)
    # then
    assert column(rows, "Conversation ID") == ["conv-1"]
