"""The project stands on its own: its docs, README and code point to nothing outside the
repository (issue 14 item 15: a clone has no ../shared folder)."""
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
# The project's own folders; the tests may quote anything, and build or run output
# (out/, exports/, *-data/, caches) is no part of it.
FOLDERS = ("docs", "events", "projections", "sinks", "streams", "bench", "examples", ".ci")
OUTSIDE = ("../shared", "/work/shared", "semantics.md")


def _project_files():
    yield from sorted(path for path in ROOT.iterdir() if path.is_file())
    for folder in FOLDERS:
        yield from sorted(path for path in (ROOT / folder).rglob("*")
                          if path.is_file() and "__pycache__" not in path.parts)


def test_project_files_are_read_by_this_test():
    names = {path.relative_to(ROOT).as_posix() for path in _project_files()}
    assert {"README.md", "docs/metrics.md", "docs/architecture.md", "streams/cli.py", ".ci/run"} <= names


@pytest.mark.parametrize("pointer", OUTSIDE)
def test_docs_readme_and_code_point_to_nothing_outside_the_repository(pointer):
    # given every file of the project
    # when
    pointing = [
        path.relative_to(ROOT).as_posix()
        for path in _project_files()
        if pointer.encode() in path.read_bytes()
    ]
    # then
    assert pointing == []


@pytest.mark.parametrize("section", ["## Ticket metrics (Zendesk)", "## Conversation metrics (Hootdesk)",
                                     "## What an export request changes"])
def test_metric_rules_a_user_needs_are_in_the_project_docs(section):
    assert section in (ROOT / "docs" / "metrics.md").read_text()
