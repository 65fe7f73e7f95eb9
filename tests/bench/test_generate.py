"""The synthetic log: deterministic, ordered, decodable, and true to the help desks' rules."""
import shlex
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fastavro
import pytest
from click.testing import CliRunner

from bench.generate import DEFAULT_START, generate, main
from events import (
    EVENT_TYPES, AgentUpserted, AgentWentAvailable, AgentWentAway, ContactUpserted,
    ConversationCreated, ConversationLocked, ConversationResolved, ConversationStatusChanged,
    ConversationUnlocked, GroupUpserted, MessageSent, OrganizationUpserted, ScheduleUpserted,
    TicketAssigneeChanged, TicketCreated, TicketDeleted, TicketGroupChanged, TicketStatusChanged,
    UserUpserted, avro,
)
from events.codec import decode_json, encode_json

EXAMPLES = Path(__file__).parents[2] / "examples"
# Zendesk's status machine: closed is final; new is only ever the first status.
NEXT_STATUSES = {
    "new": {"open", "pending", "hold", "solved"},
    "open": {"pending", "hold", "solved"},
    "pending": {"open", "hold", "solved"},
    "hold": {"open", "pending", "solved"},
    "solved": {"open", "pending", "hold", "closed"},
    "closed": set(),
}
LOGS = {
    "example": dict(tickets=40, conversations=30, seed=62),
    "busy_small_team": dict(tickets=400, conversations=300, seed=11, days=3, agents=4),
    "sunday_start": dict(tickets=150, conversations=150, seed=5, start=datetime(2026, 3, 29, 0, 0, tzinfo=UTC)),
}


@pytest.fixture(scope="module", params=LOGS, ids=str)
def log(request):
    return list(generate(**LOGS[request.param]))


def test_generate_same_seed_gives_same_events():
    assert list(generate(40, 30, seed=3)) == list(generate(40, 30, seed=3))


def test_generate_other_seed_gives_other_events():
    assert list(generate(40, 30, seed=3)) != list(generate(40, 30, seed=4))


def test_generate_refuses_naive_start():
    with pytest.raises(ValueError, match="expected an aware datetime"):
        generate(1, 1, start=datetime(2026, 3, 2, 8, 0))


def test_log_is_in_time_order_and_in_utc(log):
    times = [event.occurred_at for event in log]
    assert times == sorted(times)
    assert all(t.utcoffset().total_seconds() == 0 for t in times)


def test_log_stays_within_its_days():
    # given a two-day log
    events = list(generate(40, 30, days=2))
    # then nothing happens before its start or after its end, where stories are cut short
    assert events[0].occurred_at == DEFAULT_START
    assert events[-1].occurred_at < DEFAULT_START + timedelta(days=2)


def test_log_event_ids_are_unique(log):
    ids = [event.event_id for event in log]
    assert len(ids) == len(set(ids))


def test_log_events_round_trip_through_json(log):
    assert all(decode_json(encode_json(event)) == event for event in log)


def test_log_starts_with_reference_data_at_start():
    # given a log
    events = list(generate(40, 30))
    # when we take what comes before the first presence, ticket or conversation
    activity = (AgentWentAvailable, TicketCreated, ConversationCreated)
    first = events[: next(i for i, e in enumerate(events) if isinstance(e, activity))]
    # then the schedule, people and contacts come first, all at the start instant
    assert {e.occurred_at for e in first} == {DEFAULT_START}
    schedule = next(e for e in first if isinstance(e, ScheduleUpserted))
    assert (schedule.time_zone, schedule.is_default) == ("Europe/Paris", True)
    assert [(i.start_minute, i.end_minute) for i in schedule.intervals] == [
        (1980, 2520), (3420, 3960), (4860, 5400), (6300, 6840), (7740, 8280)]  # Mon–Fri 09:00–18:00


def test_log_refers_only_to_known_people_groups_and_contacts(log):
    # given what the reference data introduced before each fact
    users, groups, orgs, agents, contacts = set(), set(), set(), set(), set()
    for event in log:
        match event:
            case UserUpserted():
                users.add(event.user_id)
                assert event.organization_id in orgs | {None}
            case GroupUpserted():
                groups.add(event.group_id)
            case OrganizationUpserted():
                orgs.add(event.organization_id)
            case AgentUpserted():
                agents.add(event.agent_id)
            case ContactUpserted():
                contacts.add(event.contact_id)
            # then every fact names only what is known by then
            case TicketCreated():
                assert {event.requester_id, event.submitter_id} <= users
                assert event.group_id in groups | {None} and event.organization_id in orgs | {None}
            case TicketAssigneeChanged():
                assert event.assignee_id in users
            case TicketGroupChanged():
                assert event.group_id in groups
            case ConversationCreated():
                assert event.contact_id in contacts
            case ConversationLocked() | AgentWentAvailable() | AgentWentAway():
                assert event.agent_id in agents
            case MessageSent():
                assert event.sender_id in agents


def test_ticket_statuses_follow_zendesk_status_machine(log):
    # given each ticket's status as its events tell it
    status: dict[int, str] = {}
    gone: set[int] = set()
    for event in log:
        if not hasattr(event, "ticket_id"):
            continue
        # then nothing happens to a deleted or closed ticket, nor before its creation
        assert event.ticket_id not in gone
        if isinstance(event, TicketCreated):
            assert event.ticket_id not in status and event.status in ("new", "open")
            status[event.ticket_id] = event.status
            continue
        assert event.ticket_id in status
        if isinstance(event, TicketStatusChanged):
            # and each change starts where the last one ended and is a move Zendesk allows
            assert event.previous_status == status[event.ticket_id]
            assert event.status in NEXT_STATUSES[event.previous_status]
            status[event.ticket_id] = event.status
        if isinstance(event, TicketDeleted) or status[event.ticket_id] == "closed":
            gone.add(event.ticket_id)


def test_log_has_tickets_at_every_stage(log):
    # given the last status of each ticket
    status = {}
    for event in log:
        if isinstance(event, TicketCreated | TicketStatusChanged):
            status[event.ticket_id] = event.status
    deleted = {e.ticket_id for e in log if isinstance(e, TicketDeleted)}
    reopened = {e.ticket_id for e in log
                if isinstance(e, TicketStatusChanged) and (e.previous_status, e.status) == ("solved", "open")}
    # then some are unfinished, some solved or closed, some reopened, a few deleted
    assert {"open", "pending", "solved", "closed"} <= set(status.values())
    assert reopened and deleted
    assert any(e.submitter_id != e.requester_id for e in log if isinstance(e, TicketCreated))


def test_an_agent_holds_at_most_one_lock_at_a_time(log):
    # given who holds each conversation and what each agent holds
    holder: dict[str, str] = {}
    holding: dict[str, str] = {}
    available: dict[str, bool] = defaultdict(bool)
    for event in log:
        match event:
            case AgentWentAvailable() | AgentWentAway():
                available[event.agent_id] = isinstance(event, AgentWentAvailable)
            case ConversationLocked(agent_id=agent, conversation_id=conversation):
                # then an agent locks only while available and holding nothing else
                assert available[agent]
                assert holding.get(agent) is None, f"{agent} locks {conversation} holding {holding[agent]}"
                if conversation in holder:  # taking it from another agent ends their lock
                    del holding[holder[conversation]]
                holder[conversation], holding[agent] = agent, conversation
            case MessageSent(sender_kind="agent"):
                # and a human agent writes only in the conversation they hold
                assert holding.get(event.sender_id) == event.conversation_id
            case ConversationUnlocked() | ConversationStatusChanged() | ConversationResolved():
                if (agent := holder.pop(event.conversation_id, None)) is not None:
                    del holding[agent]


def test_conversation_statuses_chain(log):
    # given each conversation's status, New at creation
    status: dict[str, str] = {}
    for event in log:
        match event:
            case ConversationCreated():
                status[event.conversation_id] = "New"
            case ConversationStatusChanged():
                # then each change starts from the status it says it leaves
                assert event.previous_status == status[event.conversation_id] != event.status
                status[event.conversation_id] = event.status
            case ConversationResolved():
                assert status[event.conversation_id] != "Resolved"
                status[event.conversation_id] = "Resolved"
    # and some conversations are still waiting at the end
    assert {"New", "Pending", "Resolved"} <= set(status.values())


def test_presence_alternates_available_and_away(log):
    last: dict[str, type] = {}
    for event in log:
        if isinstance(event, AgentWentAvailable | AgentWentAway):
            assert last.get(event.agent_id) is not type(event)
            last[event.agent_id] = type(event)


def _documented_command() -> list[str]:
    """The arguments of the generator command written in examples/README.md."""
    line = next(line for line in (EXAMPLES / "README.md").read_text().splitlines()
                if line.strip().startswith("python -m bench.generate"))
    return shlex.split(line)[3:]


def test_examples_log_equals_what_the_documented_command_writes(tmp_path):
    # given the command in examples/README.md, writing to a scratch file
    args = _documented_command()
    args[args.index("--out") + 1] = str(tmp_path / "events.ndjson")
    # when
    result = CliRunner().invoke(main, args)
    # then
    assert result.exit_code == 0, result.output
    assert (tmp_path / "events.ndjson").read_bytes() == (EXAMPLES / "events.ndjson").read_bytes()


def test_examples_log_has_every_event_type():
    lines = (EXAMPLES / "events.ndjson").read_bytes().splitlines()
    assert {type(decode_json(line)) for line in lines} == set(EVENT_TYPES)


def test_examples_log_stays_small():
    assert (EXAMPLES / "events.ndjson").stat().st_size < 1_000_000


def test_cli_writes_avro_container_with_the_same_events(tmp_path):
    # given
    out = tmp_path / "events.avro"
    # when
    args = ["--tickets", "5", "--conversations", "5", "--format", "avro", "--out", str(out)]
    result = CliRunner().invoke(main, args)
    # then
    assert result.exit_code == 0, result.output
    with out.open("rb") as file:
        records = list(fastavro.reader(file, return_record_name=True))
    assert [avro.from_record(r)["event_id"] for r in records] == [e.event_id for e in generate(5, 5)]


def test_cli_refuses_start_without_offset(tmp_path):
    result = CliRunner().invoke(main, ["--start", "2026-03-02T08:00", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "expected an offset (like +00:00), got '2026-03-02T08:00'" in result.output
