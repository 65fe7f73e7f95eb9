"""What the worker does with one input message: decode, route, fold, store, publish."""
import msgspec

from events import Event, codec
from events.codec import EventDecodeError
from events.downstream import ROLLUP, TICKET_METRICS, TicketMetrics
from projections import directory as directory_fold
from projections import rollups
from projections import tickets as ticket_fold
from projections.account import Account
from projections.directory import Directory
from projections.state import DIRECTORY_TYPES, SCHEDULE_TYPES, TICKET_TYPES
from projections.ticket_metrics import ticket_metrics
from projections.tickets import TicketState
from streams.app import Runtime
from streams.topics import input_topic

_encoder = msgspec.msgpack.Encoder()
_ticket_decoder = msgspec.msgpack.Decoder(TicketState)
_directory_decoder = msgspec.msgpack.Decoder(Directory)


def encode_state(state: msgspec.Struct) -> bytes:
    return _encoder.encode(state)


def decode_ticket(data: bytes) -> TicketState:
    return _ticket_decoder.decode(data)


def decode_fragment(data: bytes) -> Directory:
    return _directory_decoder.decode(data)


class RollupChange(msgspec.Struct, frozen=True, array_like=True):
    """A ticket's contribution to one owner's rollup; None when the ticket left it."""

    owner: str
    ticket_id: int
    contribution: rollups.Contribution | None


_change_decoder = msgspec.msgpack.Decoder(RollupChange)
_rollup_decoder = msgspec.msgpack.Decoder(rollups.RollupState)


class Processor:
    """The per-message work of the input agents, and the state it needs between them."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        # "topic:partition" -> offset of the last input message applied: a snapshot's as-of.
        self.positions: dict[str, int] = {}
        # The directory table's fragments, decoded, and indexed: built on first use.
        self._parts: dict[str, Directory] = {}
        self._account: Account | None = None

    def account(self) -> Account:
        """The reference data for metrics, kept up to date as directory events come."""
        if self._account is None:
            self._parts = {key: decode_fragment(value) for key, value in self.runtime.directory.items()}
            self._account = Account(self._parts)
        return self._account

    def forget_account(self, *args, **kwargs) -> None:
        """After a rebalance the table holds other fragments: rebuild on next use."""
        self._account = None

    async def process(self, message) -> None:
        """Apply one input message; a bad one goes to the dead-letter topic instead."""
        try:
            event = codec.decode(message.value)
        except EventDecodeError as exc:
            await self.dead_letter(message, str(exc))
            return
        if message.key != event.key.encode():
            # Keyed otherwise by its producer: send it round again under its entity key,
            # so all of an entity's events meet in one partition (the group_by step).
            topic = self.runtime.input_topics[input_topic(event, self.runtime.settings)]
            await topic.send(key=event.key.encode(), value=message.value)
            return
        changed = self.apply(event)
        self.positions[f"{message.topic}:{message.partition}"] = message.offset
        if changed is not None:
            self.publish(*changed)

    def apply(self, event: Event) -> tuple[TicketState, TicketState] | None:
        """Fold the event into its table; returns the ticket before and after when it changed.

        No await in here: a snapshot never sees half of one event applied.
        """
        key = event.key
        if type(event) in TICKET_TYPES:
            stored = self.runtime.tickets.get(key)
            before = decode_ticket(stored) if stored is not None else ticket_fold.initial(event.ticket_id)
            after = ticket_fold.apply(before, event)
            if after == before:
                return None  # a re-delivered event: nothing to store or publish
            self.runtime.tickets[key] = encode_state(after)
            return before, after
        if type(event) in DIRECTORY_TYPES:
            stored = self.runtime.directory.get(key)
            before = decode_fragment(stored) if stored is not None else directory_fold.initial()
            after = directory_fold.apply(before, event)
            if after != before:
                self.runtime.directory[key] = encode_state(after)
                if self._account is not None:
                    self._parts[key] = after
                    if type(event) in SCHEDULE_TYPES:
                        self._account.reindex()
        # Conversation-side events are checked and acknowledged; their projections
        # (conversations, presence) are not built yet.
        return None

    def publish(self, before: TicketState, after: TicketState) -> None:
        """When they changed: the ticket's metrics on the compacted metrics topic (a
        deleted ticket gets a tombstone, so compaction forgets it), and its contribution
        to the rollups of the owners it has or left.

        Buffered sends (`send_soon`): Faust flushes them before it commits the offsets.
        """
        old = self._metrics(before)
        new = self._metrics(after)
        if new != old:  # a deleted ticket's None is a tombstone
            value = None if new is None else TICKET_METRICS.encode(new)
            self.runtime.ticket_metrics_topic.send_soon(key=str(after.ticket_id).encode(), value=value)
        was = rollups.contribution(before, old) if old is not None else None
        now = rollups.contribution(after, new) if new is not None else None
        had = rollups.owners(before) if was is not None else ()
        has = rollups.owners(after) if now is not None else ()
        changes = [RollupChange(owner, after.ticket_id, now) for owner in has if owner not in had or now != was]
        changes += [RollupChange(owner, after.ticket_id, None) for owner in had if owner not in has]
        for change in changes:
            self.runtime.rollup_changes_topic.send_soon(key=change.owner.encode(), value=encode_state(change))

    def _metrics(self, ticket: TicketState) -> TicketMetrics | None:
        """A live ticket's metrics; None before its creation and once deleted."""
        if ticket.created_at is None or ticket.deleted:
            return None
        return ticket_metrics(ticket, self.account())

    def roll_up(self, message) -> None:
        """Fold one ticket's contribution into its owner's rollup, and publish the rollup."""
        change = _change_decoder.decode(message.value)
        stored = self.runtime.rollups.get(change.owner)
        before = _rollup_decoder.decode(stored) if stored is not None else rollups.initial()
        after = rollups.apply(before, change.ticket_id, change.contribution)
        if after == before:
            return
        self.runtime.rollups[change.owner] = encode_state(after)
        kind = change.owner.split(":", 1)[0]
        topic = self.runtime.agent_rollups_topic if kind == "agent" else self.runtime.team_rollups_topic
        topic.send_soon(key=change.owner.encode(), value=ROLLUP.encode(rollups.rollup(change.owner, after)))

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

