"""Every projection of one account together: what an export is taken from.

Replay folds a whole log into one of these; the streaming worker builds one from its
tables when asked for a snapshot. Both keep the same pieces: one ticket state per ticket
id, one conversation state per conversation id, one directory fragment per reference-data
key (`user:11`, `schedule:1`), one Hootdesk part per contact, agent or team key
(`contact:c1`, `agent-01`, `team:care`) and one presence state per agent id, each the pure
fold of its own events. Events wait to be folded (`projections.waiting`).
"""
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from datetime import datetime
from functools import cached_property
from itertools import chain
from typing import NamedTuple

from events import AccountEvent, ConversationEvent, Event, TicketEvent
from events.agents import PresenceEvent
from events.downstream import TicketMetrics
from projections import conversations as conversation_fold
from projections import directory as directory_fold
from projections import hootdesk_directory
from projections import metrics_memo
from projections import presence as presence_fold
from projections import tickets as ticket_fold
from projections.account import Account
from projections.copies import Copies
from projections.conversations import ConversationState
from projections.directory import Directory
from projections.hootdesk_directory import HOOTDESK_REFERENCE_TYPES, HootdeskPart, People
from projections.metrics_memo import Stamped
from projections.presence import PresenceState
from projections.tickets import TicketState, TicketSummary
from projections.sorted_rows import SortedRows
from projections.waiting import Overflow, Waiting, make_room, take_all

TICKET_TYPES = frozenset(TicketEvent.__args__)
DIRECTORY_TYPES = frozenset(AccountEvent.__args__)
CONVERSATION_TYPES = frozenset(ConversationEvent.__args__)
PRESENCE_TYPES = frozenset(PresenceEvent.__args__)


class _Kind(NamedTuple):
    name: str
    states: MutableMapping
    pending: Waiting
    fold: object  # the module that folds it
    created: bool  # whether its events count only once its creation is folded


class ProjectionState:
    def __init__(
        self, tickets: Mapping[int, TicketState] | None = None, directory_parts: dict[str, Directory] | None = None,
        conversations: Mapping[str, ConversationState] | None = None,
        hootdesk_parts: MutableMapping[str, HootdeskPart] | None = None,
        presence: Mapping[str, PresenceState] | None = None,
        overflow: Overflow | None = None,
        ticket_metrics: MutableMapping[int, Stamped] | None = None,
        ticket_summaries: Mapping[int, tuple[TicketSummary, Stamped | None]] | None = None,
        references: MutableMapping[str, Event] | None = None,
        sorted_rows: Callable[[type], SortedRows] | None = None,
    ):
        """`tickets`, `conversations`, `hootdesk_parts` and `references` (the reference-data
        events folded, by id, to tell a copy) may be any mutable mapping, a store on disk included.
        `sorted_rows(row type)` makes what an export sorts its rows in (`sorted_rows`).

        `ticket_metrics`, when given, holds each live ticket's metrics stamped
        (`projections.metrics_memo`), kept current as tickets fold, for `metrics_of`.
        `ticket_summaries`, given with a store of tickets folded elsewhere (a snapshot's),
        holds each ticket's summary with its stamped metrics, read from that store for
        less work, for `live_ticket_summaries`."""
        self._tickets = tickets if tickets is not None else {}
        self.directory_parts = directory_parts if directory_parts is not None else {}
        self._conversations = conversations if conversations is not None else {}
        self.hootdesk_parts = hootdesk_parts if hootdesk_parts is not None else {}
        self._presence = presence if presence is not None else {}
        self._ticket_metrics = ticket_metrics
        self._ticket_summaries = ticket_summaries
        self._sorted_rows = sorted_rows
        # Events not folded yet, by entity.
        self._pending: defaultdict[int, list[Event]] = defaultdict(list)
        self._pending_conversations: defaultdict[str, list[Event]] = defaultdict(list)
        self._pending_presence: defaultdict[str, list[Event]] = defaultdict(list)
        self._kinds = {
            "ticket": _Kind("ticket", self._tickets, self._pending, ticket_fold, True),
            "conversation": _Kind("conversation", self._conversations, self._pending_conversations,
                                  conversation_fold, True),
            "presence": _Kind("presence", self._presence, self._pending_presence, presence_fold, False),
        }
        self._overflow = overflow
        self._room = None if overflow is None else overflow.limit  # events that may still wait
        # The latest update among the states folded here: all of them, unless some were given.
        self._folded_until: datetime | None = None
        self._states_given = any(map(bool, (self._tickets, self._conversations, self._presence)))
        # The same for the Hootdesk reference data: read from the parts only if they were given.
        self._hootdesk_changed_until: datetime | None = None
        self._hootdesk_given = bool(self.hootdesk_parts)
        # Later copies of an event, dropped and counted.
        self.copies = Copies()
        self._references = references if references is not None else {}
        # For a replay to report: by ticket or conversation id, the events of one whose
        # creation is not among them (left out of the exports).
        self.uncreated: dict[str, dict[int | str, int]] = {"ticket": {}, "conversation": {}}
        # How many of the tickets and conversations folded here are live (`live_tickets`,
        # `live_conversations`), kept as they fold: counting them after would read every
        # state back from a replay's store.
        self.live: dict[str, int] = {"ticket": 0, "conversation": 0}
        self.waiting_events = 0  # read and not folded yet: what `settle` has to fold

    def apply(self, event: Event) -> None:
        self.fold((event,))

    def fold(self, events: Iterable[Event]) -> int:
        """Apply `events` in order; returns how many there were."""
        pending = self._pending
        count = references = 0
        full = -1 if self._room is None else self._room + 1  # the count at which to make room
        for event in events:  # once per event of a whole log: kept tight
            count += 1
            if count == full:
                full = count + self._make_room()
            kind = type(event)
            if kind in TICKET_TYPES:
                pending[event.ticket_id].append(event)
            elif kind in DIRECTORY_TYPES:
                references += 1
                if self._seen(event):
                    continue
                key = event.key
                current = self.directory_parts.get(key) or directory_fold.initial()
                self.directory_parts[key] = directory_fold.apply(current, event)
                if "account" in self.__dict__:
                    self.account.note(event)
            elif kind in CONVERSATION_TYPES:
                self._pending_conversations[event.conversation_id].append(event)
            elif kind in HOOTDESK_REFERENCE_TYPES:
                references += 1
                if self._seen(event):
                    continue
                key = event.key
                current = self.hootdesk_parts.get(key) or hootdesk_directory.initial()
                self.hootdesk_parts[key] = hootdesk_directory.apply(current, event)
                if self._hootdesk_changed_until is None or self._hootdesk_changed_until < event.occurred_at:
                    self._hootdesk_changed_until = event.occurred_at
            elif kind in PRESENCE_TYPES:
                self._pending_presence[event.agent_id].append(event)
        self.waiting_events += count - references
        if self._room is not None:
            self._room = full - count - 1
        return count

    def _make_room(self) -> int:
        return make_room(((kind.name, kind.pending) for kind in self._kinds.values()), self._overflow)

    def _seen(self, event: Event) -> bool:
        """Whether a reference-data event is an identical copy of one folded before
        (counted; a differing copy is the directory fold's to settle)."""
        first = self._references.setdefault(event.event_id, event)
        copy = first is not event and first == event
        self.copies.duplicates += copy
        return copy

    def settle(self, on_folded: Callable[[int], None] | None = None) -> None:
        """Fold every waiting event now; `on_folded` is told how many as each entity's are."""
        for kind in self._kinds.values():
            self._with_pending(kind, on_folded)

    @property
    def tickets(self) -> MutableMapping[int, TicketState]:
        """Every ticket's state, with the events applied so far."""
        return self._with_pending(self._kinds["ticket"])

    @property
    def conversations(self) -> MutableMapping[str, ConversationState]:
        """Every conversation's state, with the events applied so far."""
        return self._with_pending(self._kinds["conversation"])

    @property
    def presence(self) -> MutableMapping[str, PresenceState]:
        """Every agent's presence, with the events applied so far."""
        return self._with_pending(self._kinds["presence"])

    def _with_pending(self, kind: _Kind, on_folded: Callable[[int], None] | None = None) -> MutableMapping:
        """The states of `kind` with each entity's waiting events folded in (`on_folded` told
        how many as each entity's are); for a kind that must be created, the events of an
        entity that isn't are counted, and so are the live ones."""
        states, fold = kind.states, kind.fold
        latest = self._folded_until
        for entity_id, events in take_all(kind.name, kind.pending, self._overflow):
            read = len(events)
            events = self.copies.distinct(events)
            current = states.get(entity_id) or fold.initial(entity_id)
            states[entity_id] = state = fold.fold(current, events)
            self.waiting_events -= read
            if on_folded is not None:
                on_folded(read)
            if state.updated_at is not None and (latest is None or latest < state.updated_at):
                latest = state.updated_at
            if kind.created:
                self.live[kind.name] += _live(state) - _live(current)
                if not _created(state):
                    uncreated = self.uncreated[kind.name]
                    uncreated[entity_id] = uncreated.get(entity_id, 0) + len(events)
            if kind.name == "ticket" and self._ticket_metrics is not None:
                self._keep_metrics(entity_id, state)
        self._folded_until = latest
        return kind.states

    def _keep_metrics(self, ticket_id: int, ticket: TicketState) -> None:
        stamped = metrics_memo.stamp(ticket, self.account)
        if stamped is None:
            self._ticket_metrics.pop(ticket_id, None)
        else:
            self._ticket_metrics[ticket_id] = stamped

    def metrics_of(self, ticket: TicketState) -> TicketMetrics:
        """The metrics of a live ticket of this state: those kept with it when they still
        hold, else computed now. Every ticket export reads them here."""
        stamped = None if self._ticket_metrics is None else self._ticket_metrics.get(ticket.ticket_id)
        return metrics_memo.metrics(ticket, stamped, self.account)

    def sorted_rows(self, row_type: type) -> SortedRows:
        """An empty collection of rows (of `row_type`) to read back sorted: in memory,
        unless this state was given how to make one (a replay's is on disk beyond a budget)."""
        return SortedRows() if self._sorted_rows is None else self._sorted_rows(row_type)

    @cached_property
    def people(self) -> People:
        """Contacts, agents and teams (reads the parts live: nothing to keep current)."""
        return People(self.hootdesk_parts)

    @cached_property
    def account(self) -> Account:
        """The reference data, indexed for metrics (kept current by `apply`)."""
        return Account(self.directory_parts)

    def last_event_at(self) -> datetime | None:
        """When the latest event folded in happened: a snapshot's default as-of time.

        Derived from the states, so a worker's tables give the same answer as a replay;
        of those folded here, as they were folded: a replay need not read every state
        back from its store.
        """
        self.settle()
        hootdesk = hootdesk_directory.last_change(self.hootdesk_parts) if self._hootdesk_given else None
        times = [self._folded_until, self.account.last_change(), self._hootdesk_changed_until, hootdesk]
        if self._states_given:
            # One state at a time: a list of every state's time would grow with the store.
            given = (self.tickets, self.conversations, self.presence)
            times = chain(times, (state.updated_at for states in given for state in states.values()))
        return max((t for t in times if t is not None), default=None)

    def live_tickets(self) -> Iterator[TicketState]:
        """Created, not deleted tickets, by id: the rows of the ticket exports.

        One at a time: tickets read from a store (the worker's table) are decoded as
        their rows are written, so an export holds the ids, not every ticket."""
        tickets = self.tickets
        for ticket_id in sorted(tickets):
            state = tickets[ticket_id]
            if state.created_at is not None and not state.deleted:
                yield state

    def live_ticket_summaries(self) -> Iterator[tuple[TicketSummary, TicketMetrics]]:
        """Each live ticket's summary and metrics, by id: for the exports that read no
        comment. From a store given them (`ticket_summaries`), each is one read and one
        decode; else the whole states serve."""
        summaries = self._ticket_summaries
        if summaries is None:
            for ticket in self.live_tickets():
                yield ticket, self.metrics_of(ticket)
            return
        account = self.account
        revision = metrics_memo.revision(account)
        for ticket_id in sorted(summaries):
            summary, stamped = summaries[ticket_id]
            if summary.created_at is not None and not summary.deleted:
                metrics = metrics_memo.kept(stamped, revision)
                if metrics is None:  # stored under other reference data or rules: from the whole state
                    metrics = metrics_memo.metrics(self.tickets[ticket_id], None, account)
                yield summary, metrics

    def live_conversations(self) -> Iterator[ConversationState]:
        """Conversations whose creation is in the log, by id: the rows of the conversation exports."""
        conversations = self.conversations
        for conversation_id in sorted(conversations):
            state = conversations[conversation_id]
            if state.creation is not None:
                yield state


def _created(state: TicketState | ConversationState) -> bool:
    return getattr(state, "created_at", None) is not None or getattr(state, "creation", None) is not None


def _live(state: TicketState | ConversationState) -> bool:
    """Whether the exports hold it: created, and for a ticket not deleted."""
    return _created(state) and not getattr(state, "deleted", False)
