"""Checking the paths a command is given before it starts work: the logs it reads and
the folder it writes into. A wrong one is a usage error (exit 2) naming it."""
import os
from pathlib import Path

import click


def check_logs(logs, source: str) -> None:
    """Event logs are files; a Zendesk API dump is a folder holding tickets.ndjson."""
    for log in map(Path, logs):
        if str(log) == "-":
            continue  # standard input
        if source == "events" and log.is_dir():
            raise click.BadParameter(f"{log} is a folder: did you mean --source zendesk-api?", param_hint="LOGS")
        if source == "zendesk-api" and not log.is_dir():
            raise click.BadParameter(
                f"{log} is not a folder: --source zendesk-api reads a folder of Zendesk API files", param_hint="LOGS"
            )
        if source == "zendesk-api" and not (log / "tickets.ndjson").is_file():
            raise click.BadParameter(f"{log} is not a Zendesk API dump: it has no tickets.ndjson", param_hint="LOGS")


class OutputFolder(click.ParamType):
    """A folder to write into: one there already, or one that can be made where its
    nearest existing parent is a writable folder."""

    name = "DIR"

    def convert(self, value, param, ctx):
        folder = Path(value)
        if folder.exists() and not folder.is_dir():
            self.fail(f"{folder} is not a folder", param, ctx)
        existing = next((p for p in (folder, *folder.parents) if p.exists()), Path("."))
        if not existing.is_dir():
            self.fail(f"{folder} can't be made: {existing} is a file", param, ctx)
        if not os.access(existing, os.W_OK | os.X_OK):
            self.fail(f"{existing} is not writable: choose a folder of yours", param, ctx)
        return folder
