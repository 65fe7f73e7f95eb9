"""How `deskstream replay` tells what went wrong: on stderr, in OUT/errors.ndjson, and by
its exit status."""
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import click
import msgspec

from events.errors import SourceError
from projections.state import ProjectionState
from sinks.destination import UnsafeExportName, write_atomically
from streams.replay_report import ErrorBudget, counted

ERRORS_FILE = "errors.ndjson"
SHOWN_ERRORS = 20  # on stderr; errors.ndjson has them all
EXIT_CODES = ("Exit status: 0 exports written (bad records within --max-errors); 1 no export written: "
              "no event read, too many bad records, or the export failed or was refused (the last "
              "line says why); 2 usage error (a wrong option or path).")
CREATION = {"ticket": "TicketCreated", "conversation": "ConversationCreated"}


class MaxErrorsType(click.ParamType):
    name = "N|P%"

    def convert(self, value, param, ctx):
        if isinstance(value, ErrorBudget):
            return value
        try:
            return ErrorBudget.parse(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def uncreated_errors(state: ProjectionState) -> list[SourceError]:
    """One entry a ticket or conversation whose events were left out for want of their
    creation; they reject no record (the events were read), so they count for nothing
    against --max-errors."""
    return [
        SourceError("", 0, f"{entity} {entity_id}: {count} events left out of the exports: its "
                           f"{CREATION[entity]} is not in the log, or was rejected",
                    kind=f"{entity} without {CREATION[entity]}", records=0)
        for entity, counts in state.uncreated.items() for entity_id, count in sorted(counts.items())
    ]


def tell(notes: list[str], errors: list[SourceError], out: Path) -> None:
    """Notes and the first errors on stderr; every error in OUT/errors.ndjson, or no
    such file at all after a clean run (one left by an earlier run would mislead)."""
    for note in notes:
        click.echo(note, err=True)
    for error in errors[:SHOWN_ERRORS]:
        click.echo(f"{'error' if error.records else 'warning'}: {error}", err=True)
    try:
        if not errors:
            with suppress(FileNotFoundError):
                (out / ERRORS_FILE).unlink()
            return
        path = write_atomically(out, ERRORS_FILE, _lines(errors))
    except OSError as exc:
        raise click.ClickException(f"could not write {out / ERRORS_FILE}: {exc.strerror or exc}") from None
    except UnsafeExportName as exc:  # a symbolic link where the file goes
        raise click.ClickException(str(exc)) from None
    more = f"... and {len(errors) - SHOWN_ERRORS} more; " if len(errors) > SHOWN_ERRORS else ""
    click.echo(f"{more}{counted(len(errors), 'error')} written to {path}", err=True)


def _lines(errors: list[SourceError]) -> Iterator[bytes]:
    for error in errors:
        yield msgspec.json.encode(error) + b"\n"


def exported(state: ProjectionState) -> tuple[int, int]:
    """(tickets, conversations) in the exports."""
    return state.live["ticket"], state.live["conversation"]
