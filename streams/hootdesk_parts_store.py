"""Where a replay keeps the Hootdesk reference data (`projections.hootdesk_directory`):
the contacts in a `StateStore`, on disk beyond its budget, since an account has about one
for every two conversations; the agents and teams in memory, since they are few and the
exports read them for nearly every row."""
from collections.abc import Iterator, MutableMapping
from itertools import chain

from events.conversations import CONTACT_KEY_PREFIX
from projections.hootdesk_directory import HootdeskPart
from streams.state_store import StateStore


class HootdeskPartsStore(MutableMapping):
    """Hootdesk parts by key, as `ProjectionState.hootdesk_parts` holds them."""

    def __init__(self, keep: int) -> None:
        self.contacts = StateStore(HootdeskPart, str, keep)
        self._others: dict[str, HootdeskPart] = {}
        # The contact read last: a row asks for several of its fields in turn, each a
        # lookup, and a read from disk costs a decode.
        self._last: tuple[str, HootdeskPart | None] = ("", None)

    def get(self, key: str, default=None):
        if not key.startswith(CONTACT_KEY_PREFIX):
            return self._others.get(key, default)
        last_key, part = self._last
        if key != last_key:
            part = self.contacts.get(key)
            self._last = (key, part)
        return default if part is None else part

    def __getitem__(self, key: str) -> HootdeskPart:
        part = self.get(key)
        if part is None:
            raise KeyError(key)
        return part

    def __setitem__(self, key: str, part: HootdeskPart) -> None:
        if key.startswith(CONTACT_KEY_PREFIX):
            self.contacts[key] = part
            self._last = (key, part)
        else:
            self._others[key] = part

    def __delitem__(self, key: str) -> None:
        if key.startswith(CONTACT_KEY_PREFIX):
            del self.contacts[key]
            self._last = ("", None)
        else:
            del self._others[key]

    def __iter__(self) -> Iterator[str]:
        return chain(self._others, self.contacts)

    def __len__(self) -> int:
        return len(self._others) + len(self.contacts)

    def seal(self) -> None:
        """No more writes (`StateStore.seal`)."""
        self.contacts.seal()
