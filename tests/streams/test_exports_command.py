import re

from click.testing import CliRunner

from sinks.registry import EXPORTS
from streams.cli import main


def _listed() -> dict[str, tuple[str, str]]:
    result = CliRunner().invoke(main, ["exports"])
    assert result.exit_code == 0, result.output
    return {name: (kind, text) for name, kind, text in
            (re.split(r"\s{2,}", line, maxsplit=2) for line in result.output.splitlines())}


def test_exports_lists_every_export_once_with_its_format_and_help():
    # when
    listed = _listed()
    # then
    assert sorted(listed) == sorted(EXPORTS)
    assert listed["ticket-metrics"] == ("ndjson", "Zendesk Ticket Metrics API objects, one per ticket (NDJSON, UTC).")


def test_exports_says_which_come_in_a_zip_and_are_for_administrators():
    # when
    listed = _listed()
    # then
    assert {name: kind for name, (kind, _) in listed.items() if name.startswith("zendesk-")} == {
        "zendesk-csv": "csv in .zip", "zendesk-json": "ndjson in .zip",
        "zendesk-users-xml": "xml in .zip", "zendesk-xml": "xml in .zip"}
    assert all(text.endswith(" Administrators only.") for name, (_, text) in listed.items() if name.startswith("zendesk-"))
