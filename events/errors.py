"""A bad input record, reported with where it was and why, so the rest can go on."""
from collections.abc import Callable

import msgspec

RAW_LIMIT = 1000


class SourceError(msgspec.Struct, frozen=True):
    """One bad input record."""

    source: str  # the file's path as given ("<stdin>" for standard input)
    line: int  # 1-based line (the record's index for Avro; 0 when not about one record)
    reason: str
    raw: str = ""  # the offending text, truncated to RAW_LIMIT characters
    kind: str = ""  # the reason without its particulars, to count errors by: "malformed JSON"
    records: int = 1  # input records lost: a skipped Avro block loses all of its

    @property
    def counted_as(self) -> str:
        """What a summary counts this error under."""
        return self.kind or self.reason

    def __str__(self) -> str:
        where = f"{self.source} line {self.line}" if self.line else self.source
        return f"{where}: {self.reason}" if where else self.reason


ErrorHandler = Callable[[SourceError], None]
NoteHandler = Callable[[str], None]
"""Receives a line worth telling the user that is not about a bad record ("found ...",
"warning: ...")."""
