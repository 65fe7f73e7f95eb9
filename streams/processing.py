"""What the worker does with a batch of input messages: decode, route, fold, store, publish."""
from collections.abc import Sequence

import msgspec
from faust.types import EventT

from events import Event, codec
from events.codec import EventDecodeError
from events.downstream import CONVERSATION_METRICS, ROLLUP, TICKET_METRICS, TicketMetrics
from projections import conversations as conversation_fold
from projections import directory as directory_fold
from projections import hootdesk_directory as people_fold
from projections import metrics_memo
from projections import presence as presence_fold
from projections import rollups
from projections import tickets as ticket_fold
from projections.account import Account
from projections.conversation_record import conversation_record
from projections.conversations import ConversationState
from projections.copies import Copies
from projections.directory import Directory
from projections.hootdesk_directory import HOOTDESK_REFERENCE_TYPES, HootdeskPart, People
from projections.metrics_memo import Stamped
from projections.presence import PresenceState
from projections.state import CONVERSATION_TYPES, DIRECTORY_TYPES, PRESENCE_TYPES, TICKET_TYPES
from projections.tickets import TicketState, TicketSummary
from streams.app import Runtime
from streams.folded import Folded
from streams.hootdesk_figures import send_figure_changes
from streams.reference import Replica
from streams.table_entries import source, stored_value
from streams.topics import input_topic



class StoredTicket(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """A value of the tickets table: the ticket's state and its metrics as computed when
    the state was stored (projections.metrics_memo); an export reads them while they hold."""

    state: TicketState
    metrics: Stamped | None = None


_encoder = msgspec.msgpack.Encoder()
_stored_ticket_decoder = msgspec.msgpack.Decoder(StoredTicket)
# Each half of a stored ticket, the other left encoded.
_stored_state_decoder = msgspec.msgpack.Decoder(tuple[TicketState, msgspec.Raw])
_stored_metrics_decoder = msgspec.msgpack.Decoder(tuple[msgspec.Raw, Stamped | None])
# A stored ticket for the exports that read no comment: its summary and metrics, in one decode.
_stored_summary_decoder = msgspec.msgpack.Decoder(tuple[TicketSummary, Stamped | None])
_ticket_decoder = msgspec.msgpack.Decoder(TicketState)  # a value stored before the metrics were
_summary_decoder = msgspec.msgpack.Decoder(TicketSummary)  # the same, read for its summary
_directory_decoder = msgspec.msgpack.Decoder(Directory)
_conversation_decoder = msgspec.msgpack.Decoder(ConversationState)
_people_decoder = msgspec.msgpack.Decoder(HootdeskPart)
_presence_decoder = msgspec.msgpack.Decoder(PresenceState)


def encode_state(state: msgspec.Struct) -> bytes:
    return _encoder.encode(state)


def decode_stored_ticket(data: bytes) -> StoredTicket:
    try:
        return _stored_ticket_decoder.decode(data)
    except msgspec.ValidationError:  # stored before the metrics were kept with the state
        return StoredTicket(_ticket_decoder.decode(data))


def decode_ticket(data: bytes) -> TicketState:
    try:
        return _stored_state_decoder.decode(data)[0]
    except msgspec.ValidationError:
        return _ticket_decoder.decode(data)


def decode_ticket_metrics(data: bytes) -> Stamped | None:
    """The metrics stored with a ticket, without decoding its state."""
    try:
        return _stored_metrics_decoder.decode(data)[1]
    except msgspec.ValidationError:
        return None


def decode_ticket_summary(data: bytes) -> tuple[TicketSummary, Stamped | None]:
    """A stored ticket's summary (projections.tickets.TicketSummary) and its stamped metrics."""
    try:
        return _stored_summary_decoder.decode(data)
    except msgspec.ValidationError:
        return _summary_decoder.decode(data), None


def decode_fragment(data: bytes) -> Directory:
    return _directory_decoder.decode(data)


def decode_conversation(data: bytes) -> ConversationState:
    return _conversation_decoder.decode(data)


def decode_people(data: bytes) -> HootdeskPart:
    return _people_decoder.decode(data)


def decode_presence(data: bytes) -> PresenceState:
    return _presence_decoder.decode(data)


# The worker only drops the copies; replay reports them in its summary.
_copies = Copies()


def _folded(folded: Folded, table, batches: dict[str, list[Event]], last: dict[str, EventT], decode, initial,
            fold) -> list[tuple]:
    """Each entity's batch of events folded into its stored state (`initial(event)` when it
    has none yet), staged in `folded`: the entities that changed, before and after."""
    changed = []
    for key, batch in batches.items():
        with source(last[key]):
            stored = stored_value(table, key)
        before = decode(stored) if stored is not None else initial(batch[0])
        # Copies of an event in one batch: the first read kept, as replay keeps it.
        after = fold(before, _copies.distinct(batch))
        if after != before:  # else only re-delivered events: nothing to store or publish
            folded.stage(table, key, last[key], after)
            changed.append((before, after))
    return changed


def _refolded(replica: Replica, event: Event, fold):
    """A reference-data fragment stored again with `event` folded in (`fold` is the
    fragment's projection module); the new fragment, or None when the event changed nothing."""
    before = replica.parts().get(event.key)
    before = fold.initial() if before is None else before
    after = fold.apply(before, event)
    if after == before:
        return None
    replica.table[event.key] = encode_state(after)
    replica.wrote(event.key, after)
    return after


class RollupChanges(msgspec.Struct, frozen=True, array_like=True):
    """The latest contribution of each ticket that changed for one owner in one batch;
    None for a ticket that left the owner."""

    owner: str
    tickets: dict[int, rollups.Contribution | None]


_changes_decoder = msgspec.msgpack.Decoder(RollupChanges)
_rollup_decoder = msgspec.msgpack.Decoder(rollups.RollupState)


class Processor:
    """The work of the input agents on each batch of messages, and the state it needs between batches."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        # "topic:partition" -> offset of the last input message applied: a snapshot's as-of.
        self.positions: dict[str, int] = {}
        # The reference tables, decoded, as current as their changelogs.
        self.directory = Replica(runtime.directory, decode_fragment)
        self.hootdesk = Replica(runtime.people, decode_people)
        self._account: Account | None = None  # the directory indexed: built on first use
        runtime.on_reference_record = self.replicated

    def account(self) -> Account:
        """The reference data for metrics, kept up to date as directory events come,
        folded here or by another worker."""
        if self._account is None:
            self._account = Account(self.directory.parts())
        return self._account

    def people(self) -> People:
        """The Hootdesk reference data for conversation metrics, kept up to date like the account."""
        return People(self.hootdesk.parts())

    def replicated(self, table: str, key: str, value: bytes | None) -> None:
        """A record of a reference table's changelog: usually another worker's write."""
        if table == self.runtime.directory.name:
            self.directory.received(key, value)
            self._account = None  # its indexes: rebuilt from the decoded parts on next use
        else:
            self.hootdesk.received(key, value)

    async def process(self, batch: Sequence[EventT]) -> None:
        """Apply a batch of input messages; bad ones go to the dead-letter topic instead."""
        events = []
        for received in batch:
            message = received.message
            try:
                event = codec.decode(message.value, self.runtime.settings.time_window)
            except EventDecodeError as exc:
                await self.dead_letter(message, str(exc))
                continue
            if message.key != event.key.encode():
                # Keyed otherwise by its producer: send it round again under its entity key,
                # so all of an entity's events meet in one partition (the group_by step).
                topic = self.runtime.input_topics[input_topic(event, self.runtime.settings)]
                await topic.send(key=event.key.encode(), value=message.value)
                continue
            events.append((event, received))
        folded = Folded()
        tickets, conversations, presence = self.apply(events, folded)
        self.publish(tickets, folded)
        self.publish_conversations(conversations, folded)
        if conversations or presence:
            send_figure_changes(self.runtime, folded, conversations, presence, self.people())
        await folded.deliver(self.runtime.app)
        await folded.store(self.runtime.app, self.positions)

    def apply(self, events: list[tuple[Event, EventT]], folded: Folded) -> tuple[list, list, list]:
        """Fold the events, the reference data into its tables, the rest into `folded`;
        the tickets, the conversations and the agents' presence that changed, before and
        after."""
        by_ticket: dict[str, list[Event]] = {}
        by_conversation: dict[str, list[Event]] = {}
        by_agent: dict[str, list[Event]] = {}
        last: dict[str, EventT] = {}  # a message of each entity: where its entry lives
        for event, received in events:
            kind = type(event)
            if kind in TICKET_TYPES:
                by_ticket.setdefault(event.key, []).append(event)
                last[event.key] = received
            elif kind in CONVERSATION_TYPES:
                by_conversation.setdefault(event.key, []).append(event)
                last[event.key] = received
            elif kind in PRESENCE_TYPES:
                by_agent.setdefault(event.key, []).append(event)
                last[event.key] = received
            elif kind in DIRECTORY_TYPES:
                with source(received):
                    self._apply_reference(event)
            elif kind in HOOTDESK_REFERENCE_TYPES:
                with source(received):
                    self._apply_people(event)
            message = received.message
            folded.positions[f"{message.topic}:{message.partition}"] = message.offset
        tickets = _folded(folded, self.runtime.tickets, by_ticket, last, decode_stored_ticket,
                          lambda event: StoredTicket(ticket_fold.initial(event.ticket_id)), self._fold_ticket)
        conversations = _folded(folded, self.runtime.conversations, by_conversation, last, decode_conversation,
                                lambda event: conversation_fold.initial(event.conversation_id), conversation_fold.fold)
        presence = _folded(folded, self.runtime.presence, by_agent, last, decode_presence,
                           lambda event: presence_fold.initial(event.agent_id), presence_fold.fold)
        return tickets, conversations, presence


    def _fold_ticket(self, stored: StoredTicket, events: list[Event]) -> StoredTicket:
        """A stored ticket with `events` folded in, and its metrics computed again if it changed."""
        ticket = ticket_fold.fold(stored.state, events)
        if ticket == stored.state:
            return stored
        return StoredTicket(ticket, metrics_memo.stamp(ticket, self.account()))

    def _apply_reference(self, event: Event) -> None:
        if _refolded(self.directory, event, directory_fold) is not None and self._account is not None:
            self._account.note(event)

    def _apply_people(self, event: Event) -> None:
        _refolded(self.hootdesk, event, people_fold)

    def publish_conversations(self, changed: list[tuple[ConversationState, ConversationState]],
                              folded: Folded) -> None:
        """Each changed conversation's record on the compacted conversation-metrics topic,
        when it changed."""
        people = self.people() if changed else None
        for before, after in changed:
            new = conversation_record(after, people)
            if new is not None and new != conversation_record(before, people):
                key = after.conversation_id.encode()
                folded.publish(self.runtime.conversation_metrics_topic, key, CONVERSATION_METRICS.encode(new))

    def publish(self, changed: list[tuple[StoredTicket, StoredTicket]], folded: Folded) -> None:
        """For each changed ticket: its metrics on the compacted metrics topic when they
        changed (a deleted ticket gets a tombstone, so compaction forgets it), and its
        contribution to the rollups of the owners it has or left, one message per owner.

        Published with the batch (`folded`): `process` waits until they are delivered, then
        stores the states (streams.folded).
        """
        by_owner: dict[str, dict[int, rollups.Contribution | None]] = {}
        for stored_before, stored_after in changed:
            old, new = self._metrics(stored_before), self._metrics(stored_after)
            before, after = stored_before.state, stored_after.state
            # A ticket deleted gets its tombstone and leaves its owners even when it was not
            # live before either: a worker killed between publishing and storing (streams.folded)
            # folds its creation and deletion again from an older state, while the record and
            # contributions published for its creation are downstream.
            if new != old or after.deleted:  # a deleted ticket's None is a tombstone
                value = None if new is None else TICKET_METRICS.encode(new)
                folded.publish(self.runtime.ticket_metrics_topic, str(after.ticket_id).encode(), value)
            was = rollups.contribution(before, old) if old is not None else None
            now = rollups.contribution(after, new) if new is not None else None
            if was is not None:
                had = rollups.owners(before)
            else:  # a deleted ticket's owners may hold what was published before a kill
                had = rollups.owners(after) if after.deleted else ()
            has = rollups.owners(after) if now is not None else ()
            for owner in has:
                if owner not in had or now != was:
                    by_owner.setdefault(owner, {})[after.ticket_id] = now
            for owner in had:
                if owner not in has:
                    by_owner.setdefault(owner, {})[after.ticket_id] = None
        for owner, tickets in by_owner.items():
            changes = encode_state(RollupChanges(owner, tickets))
            folded.publish(self.runtime.rollup_changes_topic, owner.encode(), changes)

    def _metrics(self, stored: StoredTicket) -> TicketMetrics | None:
        """A live ticket's metrics (those stored with it while they hold); None before its
        creation and once deleted."""
        ticket = stored.state
        if ticket.created_at is None or ticket.deleted:
            return None
        return metrics_memo.metrics(ticket, stored.metrics, self.account())

    async def roll_up(self, batch: Sequence[EventT]) -> None:
        """Fold a batch of ticket contributions into their owners' rollups, and publish
        each rollup that changed (stored once published, as `process` does)."""
        by_owner: dict[str, dict[int, rollups.Contribution | None]] = {}
        last: dict[str, EventT] = {}
        for received in batch:
            changes = _changes_decoder.decode(received.message.value)
            by_owner.setdefault(changes.owner, {}).update(changes.tickets)
            last[changes.owner] = received
        folded = Folded()
        for owner, tickets in by_owner.items():
            with source(last[owner]):
                stored = stored_value(self.runtime.rollups, owner)
            before = _rollup_decoder.decode(stored) if stored is not None else rollups.initial()
            after = rollups.apply(before, tickets)
            if after == before:
                continue
            folded.stage(self.runtime.rollups, owner, last[owner], after)
            kind = owner.split(":", 1)[0]
            topic = self.runtime.agent_rollups_topic if kind == "agent" else self.runtime.team_rollups_topic
            rollup = rollups.rollup(owner, after, rollups.owner_name(owner, self.directory.parts()))
            folded.publish(topic, owner.encode(), ROLLUP.encode(rollup))
        await folded.deliver(self.runtime.app)
        await folded.store(self.runtime.app)

    async def dead_letter(self, message, reason: str) -> None:
        """The original bytes, untouched, with the reason and the source in headers."""
        await self.runtime.dead_letter_topic.send(
            key=message.key,
            value=message.value,
            headers={
                "deskstream-reason": reason.encode(),
                "deskstream-source": f"{message.topic}:{message.partition}:{message.offset}".encode(),
            },
        )

