"""What a replay tells at its end: the one-line summary, and whether it read too many bad
records (`--max-errors`) or nothing at all to write its exports.

The replay host counts events (read, after the as-of time, copies ignored, left out for
want of their creation); the readers' `SourceError`s say what was rejected and why.
"""
import re
from collections import Counter
from typing import NamedTuple

from events.errors import SourceError
from streams.replay import ReplayStats

DEFAULT_MAX_ERRORS = "1%"
TOP_REASONS = 3


class ErrorBudget(NamedTuple):
    """How many rejected records a replay tolerates: a number, or a share of the records read."""

    limit: float
    percent: bool

    @classmethod
    def parse(cls, text: str) -> "ErrorBudget":
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(%?)\s*", text)
        if match is None or (not match[2] and "." in match[1]):
            raise ValueError(f"expected a count like 10 or a share like 0.5%, got {text!r}")
        return cls(float(match[1]), bool(match[2]))

    def exceeded(self, rejected: int, records: int) -> bool:
        if self.percent:
            return rejected * 100 > self.limit * records
        return rejected > self.limit

    def __str__(self) -> str:
        return f"{self.limit:g}%" if self.percent else f"{self.limit:g}"


def rejected(errors: list[SourceError]) -> Counter:
    """Records rejected, by what they are counted as."""
    counts: Counter = Counter()
    for error in errors:
        if error.records:
            counts[error.counted_as] += error.records
    return counts


def summary(stats: ReplayStats, errors: list[SourceError], tickets: int, conversations: int) -> str:
    """The one line every replay ends with."""
    by_reason = rejected(errors)
    total = sum(by_reason.values())
    reasons = [f"{n} {reason}" for reason, n in by_reason.most_common(TOP_REASONS)]
    if len(by_reason) > TOP_REASONS:
        reasons.append(f"{total - sum(n for _, n in by_reason.most_common(TOP_REASONS))} other")
    left_out = []
    if stats.after_as_of:
        left_out.append(f"{stats.after_as_of} after the as-of time")
    if stats.uncreated:
        left_out.append(f"{stats.uncreated} of tickets or conversations whose creation is not in the log")
    copies = f"{counted(stats.duplicates + stats.conflicts, 'duplicate')} ignored"
    if stats.conflicts:
        copies += f" ({stats.conflicts} differing from the copy read first)"
    return (
        f"summary: {counted(stats.read, 'event')} read, {stats.applied} applied, "
        f"{counted(total, 'record')} rejected{_listed(reasons)}, {copies}, "
        f"{stats.after_as_of + stats.uncreated} left out{_listed(left_out)}; "
        f"{counted(tickets, 'ticket')} and {counted(conversations, 'conversation')} exported"
    )


def counted(n: int, noun: str) -> str:
    """`n` and the noun, plural unless one: "1 event", "2 events"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _listed(parts: list[str]) -> str:
    """ (a; b), each part cut short: a reason may be long."""
    return f" ({'; '.join(p if len(p) <= 80 else p[:77] + '...' for p in parts)})" if parts else ""


def verdict(stats: ReplayStats, errors: list[SourceError], budget: ErrorBudget) -> str | None:
    """Why the exports must not be written, or None when they may."""
    bad = sum(rejected(errors).values())
    records = stats.read + bad
    if stats.read == 0:
        return "no event could be read: no export written (is it the right file?)"
    if budget.exceeded(bad, records):
        share = f"{bad} of {records} records ({bad * 100 / records:.1f}%)"
        return (f"too many bad records: {share} rejected, more than --max-errors {budget}; "
                "no export written (fix the input, or allow more with --max-errors)")
    return None
