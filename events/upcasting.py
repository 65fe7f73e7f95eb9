"""Lifting events written with an old schema version to today's shape, one step at a time."""
from events import agents
from events.base import Event

# (event type, version it reads) -> function returning the next version's fields.
UPCASTERS = {
    ("AgentWentAway", 1): agents.upcast_v1_v2,
}
# Types with at least one upcaster, and the version they are at today.
CURRENT_VERSION: dict[str, int] = {}
for _type, _version in UPCASTERS:
    CURRENT_VERSION[_type] = max(CURRENT_VERSION.get(_type, 1), _version + 1)


def upcast(raw: dict) -> dict:
    """Apply every step from the raw event's `schema_version` (1 when absent) up to today's."""
    while (step := UPCASTERS.get((raw.get("type"), raw.get("schema_version", 1)))) is not None:
        raw = step(raw)
    return raw


def has_versions(event: Event) -> bool:
    """True for types with old versions: their raw fields must pass through `upcast`.

    A typed decode can't tell an old record from a new one, since a missing
    `schema_version` (the shape before versioning, read as 1) takes today's default.
    """
    return type(event).__name__ in CURRENT_VERSION
