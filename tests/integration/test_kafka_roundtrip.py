"""Canonical events survive a trip through a real Kafka broker, in Avro and JSON."""
import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from events import (
    AgentWentAvailable,
    AgentWentAway,
    ConversationCreated,
    ConversationLocked,
    ConversationResolved,
    Event,
    MessageReceived,
    MessageSent,
    TicketAssigneeChanged,
    TicketCommentAdded,
    TicketCreated,
    TicketFieldsChanged,
    TicketStatusChanged,
    TicketTagsChanged,
)
from events.codec import decode, encode_avro, encode_json
from tests.kafka_broker import create_topic

pytestmark = pytest.mark.kafka

DEADLINE_S = 60  # for each Kafka step; a healthy local broker needs well under a second
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def at(minutes: int) -> datetime:
    # Whole milliseconds: Avro's timestamp-millis would truncate anything finer.
    return T0 + timedelta(minutes=minutes, milliseconds=137)


def ticket_story(ticket_id: int, start: int) -> list[Event]:
    ids = iter(range(100))
    eid = lambda: f"t{ticket_id}-{next(ids)}"  # noqa: E731
    return [
        TicketCreated(event_id=eid(), occurred_at=at(start), ticket_id=ticket_id,
                      requester_id=900 + ticket_id, submitter_id=900 + ticket_id,
                      subject=f"Printer {ticket_id} is on fire", description="Smoke. Ünïcödé.",
                      tags=("hardware", "urgent"), due_at=at(start + 600)),
        TicketAssigneeChanged(event_id=eid(), occurred_at=at(start + 3), ticket_id=ticket_id,
                              assignee_id=7),
        TicketStatusChanged(event_id=eid(), occurred_at=at(start + 3), ticket_id=ticket_id,
                            status="open", previous_status="new", author_id=7),
        TicketCommentAdded(event_id=eid(), occurred_at=at(start + 10), ticket_id=ticket_id,
                           comment_id=ticket_id * 10, author_id=7, public=True, body="On it."),
        TicketCommentAdded(event_id=eid(), occurred_at=at(start + 11), ticket_id=ticket_id,
                           comment_id=ticket_id * 10 + 1, author_id=7, public=False),
        TicketTagsChanged(event_id=eid(), occurred_at=at(start + 12), ticket_id=ticket_id,
                          tags=("hardware",)),
        TicketFieldsChanged(event_id=eid(), occurred_at=at(start + 13), ticket_id=ticket_id,
                            changes={"priority": "high", "custom_fields.42": None}),
        TicketStatusChanged(event_id=eid(), occurred_at=at(start + 90), ticket_id=ticket_id,
                            status="solved", previous_status="open", author_id=7),
    ]


def conversation_story(conversation_id: str, start: int) -> list[Event]:
    ids = iter(range(100))
    eid = lambda: f"{conversation_id}-{next(ids)}"  # noqa: E731
    common = {"conversation_id": conversation_id}
    return [
        ConversationCreated(event_id=eid(), occurred_at=at(start), **common,
                            contact_id="c-1", channel="ch-9", medium="whatsapp"),
        MessageReceived(event_id=eid(), occurred_at=at(start), **common, message_id="m1",
                        contact_id="c-1", channel="ch-9", medium="whatsapp", content="hello?"),
        ConversationLocked(event_id=eid(), occurred_at=at(start + 2), **common, agent_id="a-7"),
        MessageSent(event_id=eid(), occurred_at=at(start + 4), **common, message_id="m2",
                    sender_id="a-7", channel="ch-9", medium="whatsapp", content="hi!"),
        ConversationResolved(event_id=eid(), occurred_at=at(start + 9), **common,
                             agent_id="a-7", reason="answered"),
    ]


def presence_story(agent_id: str, start: int) -> list[Event]:
    return [
        AgentWentAvailable(event_id=f"{agent_id}-on", occurred_at=at(start), agent_id=agent_id),
        AgentWentAway(event_id=f"{agent_id}-off", occurred_at=at(start + 240),
                      agent_id=agent_id, away_state="Lunch"),
    ]


def all_events() -> list[Event]:
    stories = [ticket_story(101, 0), conversation_story("conv-1", 1), presence_story("a-7", 0),
               ticket_story(102, 5), conversation_story("conv-2", 6), presence_story("a-8", 3)]
    return sorted((e for story in stories for e in story), key=lambda e: e.occurred_at)


def encode(index: int, event: Event) -> bytes:
    # Every third one as JSON: one topic can carry both, as replayed logs do.
    return encode_json(event) if index % 3 == 0 else encode_avro(event)


async def produce(bootstrap: str, topic: str, events: list[Event]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        sent = [await producer.send(topic, encode(i, event), key=event.key.encode())
                for i, event in enumerate(events)]
        await asyncio.gather(*sent)  # raises if any record was refused
    finally:
        await producer.stop()


async def consume(bootstrap: str, topic: str, count: int) -> list[tuple[str, Event]]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    got: list[tuple[str, Event]] = []
    try:
        while len(got) < count:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                got += [(r.key.decode(), decode(r.value)) for r in records]
    finally:
        await consumer.stop()
    return got


async def test_events_roundtrip_through_kafka_in_order(kafka_broker):
    events = all_events()
    assert len(events) >= 30 and {type(e) for e in events} >= {TicketCreated, MessageSent,
                                                              AgentWentAway}
    async with asyncio.timeout(DEADLINE_S):
        # One partition, so the whole topic has one order to compare against.
        topic = await create_topic(kafka_broker.bootstrap, "deskstream.test.roundtrip")
    async with asyncio.timeout(DEADLINE_S):
        await produce(kafka_broker.bootstrap, topic, events)
    async with asyncio.timeout(DEADLINE_S):
        got = await consume(kafka_broker.bootstrap, topic, len(events))

    assert [key for key, _ in got] == [e.key for e in events]
    assert [event for _, event in got] == events
