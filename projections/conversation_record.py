"""What the worker publishes for a conversation: its metrics as one flat downstream record."""
from events.downstream import ConversationMetrics
from projections.conversation_metrics import conversation_metrics
from projections.conversations import ConversationState
from projections.hootdesk_directory import People


def conversation_record(conversation: ConversationState, people: People) -> ConversationMetrics | None:
    """The conversation's downstream record; None before its creation."""
    creation = conversation.creation
    if creation is None:
        return None
    metrics = conversation_metrics(conversation, people)
    return ConversationMetrics(
        conversation_id=conversation.conversation_id,
        channel=creation.channel,
        status=conversation.status,
        created_at=creation.occurred_at,
        updated_at=conversation.updated_at,
        inbound_messages=metrics.inbound_count,
        outbound_messages=metrics.outbound_count,
        first_response_time=metrics.first_response_time,
        resolved_at=None if metrics.resolution is None else metrics.resolution.at,
        resolution_time=metrics.resolution_time,
        handle_time=metrics.times.handle,
        no_reply_time=metrics.times.no_reply,
        cherry_pick_time=metrics.times.cherry_pick,
    )
