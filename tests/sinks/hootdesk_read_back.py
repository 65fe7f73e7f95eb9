"""Taking a Hootdesk export of a story and reading it back as a spreadsheet user would."""
import csv
import io

from events.commands import ExportRequest
from projections.state import ProjectionState
from sinks.export import write_export
from sinks.registry import get_export
from tests.projections.conversations_story import directory
from tests.sinks.read_back import export_bytes


def state_of(events) -> ProjectionState:
    state = ProjectionState()
    state.fold([*directory(), *events])
    return state


def export_rows(name: str, events, out, **request) -> list[dict[str, str]]:
    """The rows of export `name` of the directory and `events`, as csv.DictReader reads them."""
    result = write_export(get_export(name), state_of(events), ExportRequest(export=name, **request), out)
    return list(csv.DictReader(io.StringIO(export_bytes(result).decode())))


def column(rows: list[dict[str, str]], header: str) -> list[str]:
    return [row[header] for row in rows]
