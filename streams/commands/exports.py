"""`deskstream exports`: every export deskstream can write, one a line."""
import click

from sinks.registry import EXPORTS


def format_of(export) -> str:
    """What a user gets: the file type, and the .zip around it for a packaged export."""
    kind = export.format.extension.lstrip(".")
    return f"{kind} in .zip" if getattr(export, "packaged", False) else kind


def describe(export) -> str:
    restricted = " Administrators only." if getattr(export, "admins_only", False) else ""
    return export.help + restricted


@click.command()
def exports():
    """List every export: its name, its format, what it holds.

    Give the name to `deskstream replay --export`, `deskstream snapshot`, or
    POST /exports/{name} on the worker's HTTP endpoint.
    """
    lines = [(name, format_of(export), describe(export)) for name, export in sorted(EXPORTS.items())]
    name_width = max(len(name) for name, _, _ in lines)
    format_width = max(len(kind) for _, kind, _ in lines)
    for name, kind, text in lines:
        click.echo(f"{name:<{name_width}}  {kind:<{format_width}}  {text}")
