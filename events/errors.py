"""A bad input record, reported with where it was and why, so the rest can go on."""
from collections.abc import Callable

import msgspec

RAW_LIMIT = 1000


class SourceError(msgspec.Struct, frozen=True):
    """One bad input record."""

    source: str  # file name
    line: int  # 1-based line (0 when not line-based)
    reason: str
    raw: str = ""  # the offending text, truncated to RAW_LIMIT characters

    def __str__(self) -> str:
        return f"{self.source} line {self.line}: {self.reason}"


ErrorHandler = Callable[[SourceError], None]
