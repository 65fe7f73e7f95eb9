"""The export audit log: one JSON line per export request, whatever came of it.

Replay appends to a file in its output folder; the worker sends the same record to the
audit topic. An audit line is the one thing deskstream stamps with the wall clock (a
`Clock` tests can set): when the request was answered, which no event can tell.
"""
import os
from collections.abc import Callable, Sequence
from contextlib import closing, suppress
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from events.commands import ExportAudited, ExportReady, ExportRequest, SnapshotRequested
from projections.state import ProjectionState
from sinks.access import AccessPolicy, refusal
from sinks.export import ExportResult
from sinks.registry import get_export
from streams.export_jobs import Outcome, written

AUDIT_FILE = "export_audit.ndjson"

Clock = Callable[[], datetime]


class ExportRefused(Exception):
    """The requester may not take an export; the message says why, in one line."""


class ExportFailed(Exception):
    """An export could not be written; the message says which, where and why."""


def wall_clock() -> datetime:
    return datetime.now(UTC)


def audited(request: ExportRequest, outcome: str, at: datetime, *, reason: str | None = None,
            result: ExportResult | None = None, request_id: str | None = None) -> ExportAudited:
    """The audit record of one request for one export."""
    return ExportAudited(
        at=at,
        export=request.export,
        requester=request.requester,
        request=request,
        outcome=outcome,
        reason=reason,
        request_id=request_id,
        rows=None if result is None else result.rows,
        sha256=None if result is None else result.sha256,
        path=None if result is None else result.path,
    )


def audited_answer(command: SnapshotRequested, ready: ExportReady, at: datetime) -> ExportAudited:
    """The audit record of the worker's answer to a snapshot command."""
    written = ready.path is not None
    return ExportAudited(
        at=at,
        export=ready.export,
        requester=command.request.requester,
        request=command.request,
        outcome=ready.outcome,
        reason=ready.error,
        request_id=ready.request_id,
        rows=ready.rows if written else None,
        sha256=ready.sha256,
        path=ready.path,
    )


def append_audit(folder: Path, record: ExportAudited) -> None:
    """Append one line to the folder's audit file, never rewriting what is there.

    One write of a whole line to a file opened for appending: two replays writing to
    the same folder can't interleave their lines. A symbolic link in its place is
    refused (OSError), as the exports refuse one: the line would land wherever it points.
    """
    path = folder / AUDIT_FILE
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o666)
        try:
            os.write(handle, msgspec.json.encode(record) + b"\n")
        finally:
            os.close(handle)
    except OSError as exc:
        reason = "it is a symbolic link; remove it" if path.is_symlink() else exc.strerror or str(exc)
        raise ExportFailed(f"could not append to the export audit log {path}: {reason}") from None


def write_audited(state: ProjectionState, names: Sequence[str], request: ExportRequest, out: Path,
                  policy: AccessPolicy | None, clock: Clock = wall_clock, jobs: int = 1,
                  on_written: Callable[[str], None] | None = None) -> list[ExportResult]:
    """Write the named exports into `out` for `request.requester`, one audit line each, by
    `jobs` processes (streams/export_jobs.py); `on_written` is told each one done.

    With a `policy`, every export is checked first: one refusal and none is written.
    An export that fails stops the others from starting and fails the whole request.
    """
    asked = {name: msgspec.structs.replace(request, export=name) for name in names}
    if policy is not None:
        parts = state.account.parts
        refused = {name: reason for name in names
                   if (reason := refusal(policy, get_export(name), request.requester, parts))}
        for name, reason in refused.items():
            append_audit(out, audited(asked[name], "refused", clock(), reason=reason))
        if refused:
            raise ExportRefused("; ".join(refused.values()))
    # The as-of time found once for all the exports: it takes a pass over every entity.
    resolved = msgspec.structs.replace(request, as_of=request.as_of or state.last_event_at())
    outcomes: dict[str, Outcome] = {}
    audited_until = 0  # audit lines go in the order asked, each as soon as those before it are known
    # Closed on any way out (a failed audit line, Ctrl-C, SIGTERM): its workers stop then too.
    with closing(written(state, names, resolved, out, jobs)) as outcomes_known:
        for name, outcome in outcomes_known:
            outcomes[name] = outcome
            if on_written is not None:
                on_written(name)
            while audited_until < len(names) and names[audited_until] in outcomes:
                _append_outcome(out, asked[names[audited_until]], outcomes[names[audited_until]], clock)
                audited_until += 1
    for name in names[audited_until:]:  # those written after a failure, by other processes
        if name in outcomes:
            _append_outcome(out, asked[name], outcomes[name], clock)
    # Several exports may fail at once in parallel: the error is the first asked for's.
    for name in names:
        if isinstance(outcomes.get(name), str):
            raise ExportFailed(f"could not write {name} into {out}: {outcomes[name]}")
    return [outcomes[name] for name in names]


def _append_outcome(out: Path, request: ExportRequest, outcome: Outcome, clock: Clock) -> None:
    if isinstance(outcome, ExportResult):
        append_audit(out, audited(request, "ok", clock(), result=outcome))
    else:
        with suppress(ExportFailed):  # an unwritable folder takes no audit line either
            append_audit(out, audited(request, "failed", clock(), reason=outcome))
