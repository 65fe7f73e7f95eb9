"""Golden files: every export of the shipped inputs, byte for byte.

After an intended change, rewrite them with DESKSTREAM_UPDATE_GOLDEN=1 and review the diff.
"""
import os
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from streams.cli import main

ROOT = Path(__file__).parents[1]
GOLDEN = Path(__file__).parent / "golden"
# The one file in a packaged export's .zip (spec §4.3): export_YYYY_MM_DD_<id>_1.<ext>
PACKAGED_ENTRY = re.compile(r"export_\d{4}_\d{2}_\d{2}_[0-9a-f]{16}_1(\.\w+)")
CASES = {
    # golden file: (replay arguments, export file written; for a packaged export, only
    # its extension counts: the file compared is the one inside the .zip replay prints)
    "examples.ticket_metrics.ndjson": (["examples/events.ndjson"], "ticket_metrics.ndjson"),
    # The Zendesk fixture holds 2 bad lines on purpose (see its README): --max-errors 2.
    "zendesk_api.ticket_metrics.ndjson": (
        ["--source", "zendesk-api", "tests/fixtures/zendesk_api", "--max-errors", "2"], "ticket_metrics.ndjson"),
    # Both accounts are in Paris: their CSV times in Paris time.
    "examples.zendesk_csv.csv": (
        ["examples/events.ndjson", "--export", "zendesk-csv", "--timezone", "Europe/Paris"], "zendesk_tickets.csv"),
    "zendesk_api.zendesk_csv.csv": (
        ["--source", "zendesk-api", "tests/fixtures/zendesk_api", "--max-errors", "2", "--export", "zendesk-csv", "--timezone",
         "Europe/Paris"], "zendesk_tickets.csv"),
    "examples.zendesk_json.ndjson": (["examples/events.ndjson", "--export", "zendesk-json"], "zendesk_tickets.ndjson"),
    "zendesk_api.zendesk_json.ndjson": (
        ["--source", "zendesk-api", "tests/fixtures/zendesk_api", "--max-errors", "2", "--export", "zendesk-json"], "zendesk_tickets.ndjson"),
    # XML times in the account time zone: Paris for both.
    "examples.zendesk_xml.xml": (
        ["examples/events.ndjson", "--export", "zendesk-xml", "--timezone", "Europe/Paris"], "zendesk_account.xml"),
    "zendesk_api.zendesk_xml.xml": (
        ["--source", "zendesk-api", "tests/fixtures/zendesk_api", "--max-errors", "2", "--export", "zendesk-xml", "--timezone",
         "Europe/Paris"], "zendesk_account.xml"),
    "examples.zendesk_users_xml.xml": (
        ["examples/events.ndjson", "--export", "zendesk-users-xml", "--timezone", "Europe/Paris"], "zendesk_users.xml"),
    "zendesk_api.zendesk_users_xml.xml": (
        ["--source", "zendesk-api", "tests/fixtures/zendesk_api", "--max-errors", "2", "--export", "zendesk-users-xml", "--timezone",
         "Europe/Paris"], "zendesk_users.xml"),
    # Hootdesk conversations, times in Paris.
    **{f"examples.{name.replace('-', '_')}.csv": (
        ["examples/events.ndjson", "--export", name, "--timezone", "Europe/Paris"], written)
       for name, written in (("hootdesk-resolved", "hootdesk_resolved_conversations.csv"),
                             ("hootdesk-open", "hootdesk_open_conversations.csv"),
                             ("hootdesk-messages", "hootdesk_messages.csv"),
                             ("hootdesk-response-times", "hootdesk_response_times.csv"))},
    # Hootdesk catalogue rollups over the whole log, times in Paris.
    **{f"examples.{name.replace('-', '_')}.csv": (
        ["examples/events.ndjson", "--export", name, "--timezone", "Europe/Paris"], f"{name.replace('-', '_')}.csv")
       for name in ("hootdesk-teams", "hootdesk-contacts", "hootdesk-topics", "hootdesk-tags",
                    "hootdesk-virtual-agents", "hootdesk-contact-attributes")},
    # Hootdesk presence and users, times in Paris: the whole log, and users on one Paris day.
    "examples.hootdesk_presence.csv": (
        ["examples/events.ndjson", "--export", "hootdesk-presence", "--timezone", "Europe/Paris"],
        "hootdesk_user_presence.csv"),
    "examples.hootdesk_users.csv": (
        ["examples/events.ndjson", "--export", "hootdesk-users", "--timezone", "Europe/Paris"], "hootdesk_users.csv"),
    "examples.hootdesk_users_2026_03_03.csv": (
        ["examples/events.ndjson", "--export", "hootdesk-users", "--timezone", "Europe/Paris",
         "--from", "2026-03-03", "--to", "2026-03-03"], "hootdesk_users.csv"),
}


@pytest.mark.parametrize("golden", sorted(CASES))
def test_export_matches_its_golden_file(golden, tmp_path, monkeypatch):
    # given
    arguments, written = CASES[golden]
    monkeypatch.chdir(ROOT)
    # when
    result = CliRunner().invoke(main, ["replay", *arguments, "--out", str(tmp_path)], catch_exceptions=False)
    # then
    assert result.exit_code == 0, result.output
    produced = _export_bytes(result.stdout, written)
    if os.environ.get("DESKSTREAM_UPDATE_GOLDEN"):
        (GOLDEN / golden).write_bytes(produced)
    assert produced == (GOLDEN / golden).read_bytes()


def _export_bytes(stdout: str, written: str) -> bytes:
    """The export's bytes, from the paths replay prints: the file named `written`, or the
    one file inside the printed .zip, which must be named as the spec says."""
    printed = [Path(line.split("\t")[0]) for line in stdout.splitlines()]
    for path in printed:
        if path.name == written:
            return path.read_bytes()
    (package,) = [path for path in printed if path.suffix == ".zip"]
    with zipfile.ZipFile(package) as archive:
        (entry,) = archive.infolist()
        name = PACKAGED_ENTRY.fullmatch(entry.filename)
        assert name and name.group(1) == Path(written).suffix, entry.filename
        return archive.read(entry)
