"""A conversation's responses: each outbound message of a human agent that answers the contact.

The contact waits from the moment the conversation needs an answer in the New queue: its
message, when it was not already waiting (INBOUND_MESSAGE), or a virtual agent's or
automated reply's handover to the New queue (VA_HANDED_OVER_CONVERSATION), which restarts
the wait. The first outbound message of a human agent after that ends the wait: that
message is a response, measured from the start of the wait. Messages of virtual agents and
automations answer no wait; a human agent's further messages before the contact writes
again are not responses.
"""
from datetime import datetime

import msgspec

from projections.conversation_metrics import seconds
from projections.conversations import ConversationState, HandoverMark, MessageMark

CONTACT_MESSAGE = "INBOUND_MESSAGE"
HANDOVER = "VA_HANDED_OVER_CONVERSATION"


class Response(msgspec.Struct, frozen=True, gc=False):
    started_by: str
    started_at: datetime
    # The contact's message answered: the one that started the wait, or after a handover
    # the contact's latest message before it (None if the contact had written nothing).
    inbound: MessageMark | None
    outbound: MessageMark
    handover_reason: str | None = None

    @property
    def response_time(self) -> int:
        return seconds(self.outbound.at - self.started_at)


class _Wait(msgspec.Struct, frozen=True, gc=False):
    started_by: str
    at: datetime
    inbound: MessageMark | None
    reason: str | None = None


def responses(conversation: ConversationState) -> list[Response]:
    """The conversation's responses, in time order."""
    marks = sorted((*conversation.messages, *conversation.handovers), key=lambda m: (m.at, m.event_id))
    found: list[Response] = []
    wait: _Wait | None = None
    last_inbound: MessageMark | None = None
    for mark in marks:
        if isinstance(mark, HandoverMark):
            wait = _Wait(HANDOVER, mark.at, last_inbound, mark.reason)
        elif mark.inbound:
            last_inbound = mark
            if wait is None:
                wait = _Wait(CONTACT_MESSAGE, mark.at, mark)
        elif mark.sender_kind == "agent" and wait is not None:
            found.append(Response(wait.started_by, wait.at, wait.inbound, mark, wait.reason))
            wait = None
    return found
