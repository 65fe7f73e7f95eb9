"""Every export deskstream can write, by the name users give on the command line."""
from sinks.export import Export
from sinks.ticket_metrics import TicketMetricsExport

EXPORTS: dict[str, Export] = {export.name: export for export in (TicketMetricsExport(),)}


class UnknownExport(KeyError):
    def __str__(self) -> str:
        return f"unknown export {self.args[0]!r}; expected one of: {', '.join(sorted(EXPORTS))}"


def get_export(name: str) -> Export:
    try:
        return EXPORTS[name]
    except KeyError:
        raise UnknownExport(name) from None
