"""Golden files: every export of the shipped inputs, byte for byte.

After an intended change, rewrite them with DESKSTREAM_UPDATE_GOLDEN=1 and review the diff.
"""
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from streams.cli import main

ROOT = Path(__file__).parents[1]
GOLDEN = Path(__file__).parent / "golden"
CASES = {
    # golden file: (replay arguments, export file written)
    "examples.ticket_metrics.ndjson": (["examples/events.ndjson"], "ticket_metrics.ndjson"),
    "zendesk_api.ticket_metrics.ndjson": (
        ["--source", "zendesk-api", "tests/fixtures/zendesk_api"], "ticket_metrics.ndjson"),
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
    produced = (tmp_path / written).read_bytes()
    if os.environ.get("DESKSTREAM_UPDATE_GOLDEN"):
        (GOLDEN / golden).write_bytes(produced)
    assert produced == (GOLDEN / golden).read_bytes()
